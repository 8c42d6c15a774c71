package org.fmnist.runner.ensemble;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.eval.TestTimeAugmentation;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.SpecException;
import org.fmnist.runner.NativeMemoryGuard;
import org.fmnist.runner.experiment.RunPreparation;
import org.fmnist.runner.folder.FinishedRun;

/**
 * {@code runner score}: finished runs scored again on the validation images they held out, without
 * test-time views, with their own and with others. This is where to choose views for a finished
 * model (or an ensemble's members) without looking at the test set; the test set is scored only
 * when asked for, once the choice is made.
 */
public final class HeldOutScores {
    private final Invocation invocation;
    private final NativeMemoryGuard memoryGuard;

    @Inject
    HeldOutScores(Invocation invocation, NativeMemoryGuard memoryGuard) {
        this.invocation = invocation;
        this.memoryGuard = memoryGuard;
    }

    /**
     * One run, or the runs together, on one split with one set of views.
     *
     * @param run the run's folder, or {@link #TOGETHER} and how many runs were averaged
     * @param views the views' keys, e.g. {@code [flip, shift]}, or {@code none}
     */
    public record Score(String run, String split, String views, int images, double accuracy, double loss) {}

    /** How the row that scores all the runs together begins. */
    public static final String TOGETHER = "ensemble of ";

    /**
     * The finished runs that {@code runs} name, each checked to have held out validation images (and,
     * to be scored together, the same ones), so that a bad one is refused before minutes go into
     * scoring the others.
     *
     * @param runs run folders, or folders of them (a sweep's)
     * @param together whether they will also be scored as one ensemble
     * @throws SpecException when a folder is not a finished run, a run held out no validation images,
     *     or runs to score together do not match (see {@link FinishedRun#ensembleMembers},
     *     {@link FinishedRun#requireSameValidation})
     */
    public List<FinishedRun> scorable(List<Path> runs, boolean together) throws IOException {
        List<FinishedRun> finished = together ? FinishedRun.ensembleMembers(runs) : FinishedRun.in(runs);
        finished.forEach(FinishedRun::requireValidation);
        if (together) {
            FinishedRun.requireSameValidation(finished, finished.get(0).data(invocation.environment()));
        }
        return finished;
    }

    /**
     * @param finished runs from {@link #scorable}
     * @param given views to try beside none and each run's own; together, every member is scored with
     *     them, or without them with its run's own, as {@code runner ensemble} does
     * @param alsoTest whether to score the test set the same ways, after validation
     * @param together whether to score the runs as one ensemble as well, their softmax outputs averaged
     * @param scored told of each score as soon as it is made: scoring a run takes minutes
     */
    public void score(List<FinishedRun> finished, Optional<List<TestTimeAugmentation>> given, boolean alsoTest,
                      boolean together, Consumer<Score> scored) {
        memoryGuard.chooseFor(List.of());
        RunPreparation.useThreads(Runtime.getRuntime().availableProcessors());
        Map<String, List<Predictions>> membersBySplit = new LinkedHashMap<>();
        for (FinishedRun run : finished) {
            FashionMnist data = run.data(invocation.environment());
            List<TestTimeAugmentation> own = run.spec().evaluation().tta();
            Set<List<TestTimeAugmentation>> tried = new LinkedHashSet<>(List.of(List.of(), own));
            given.ifPresent(tried::add);
            List<Split> splits = new ArrayList<>(List.of(run.validation(data)));
            if (alsoTest) {
                splits.add(run.test(data));
            }
            Network net = run.network();
            for (Split split : splits) {
                Predictions plain = Predictor.predict(net, split);
                for (List<TestTimeAugmentation> v : tried) {
                    Predictions p = Predictor.withViews(net, split, plain, v);
                    scored.accept(new Score(run.folder().toString(), split.name(), label(v), split.size(), p.accuracy(), p.loss()));
                    if (together && v.equals(given.orElse(own))) {
                        membersBySplit.computeIfAbsent(split.name(), s -> new ArrayList<>()).add(p);
                    }
                }
            }
        }
        String views = given.map(HeldOutScores::label).orElse("each run's own");
        membersBySplit.forEach((split, members) -> {
            Predictions mean = Predictions.mean(members);
            scored.accept(new Score(TOGETHER + members.size(), split, views, mean.size(), mean.accuracy(), mean.loss()));
        });
    }

    private static String label(List<TestTimeAugmentation> views) {
        return views.isEmpty() ? "none" : TestTimeAugmentation.keys(views);
    }
}
