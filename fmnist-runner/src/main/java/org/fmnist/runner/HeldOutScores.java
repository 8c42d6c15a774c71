package org.fmnist.runner;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.eval.TestTimeAugmentation;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.SpecException;

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

    /** One run on one split with one set of views. */
    public record Score(Path folder, String split, List<TestTimeAugmentation> views, int images, double accuracy,
                        double loss) {}

    /**
     * The finished runs that {@code runs} name, each checked to have held out validation images, so that
     * a bad one is refused before minutes go into scoring the others.
     *
     * @param runs run folders, or folders of them (a sweep's)
     * @throws SpecException when a folder is not a finished run, or a run held out no validation images
     */
    public List<FinishedRun> scorable(List<Path> runs) throws IOException {
        List<FinishedRun> finished = FinishedRun.in(runs);
        finished.forEach(FinishedRun::requireValidation);
        return finished;
    }

    /**
     * @param finished runs from {@link #scorable}
     * @param views further views to try beside none and each run's own; empty for just those two
     * @param alsoTest whether to score the test set the same ways, after validation
     * @param scored told of each score as soon as it is made: scoring a run takes minutes
     */
    public void score(List<FinishedRun> finished, List<List<TestTimeAugmentation>> views, boolean alsoTest,
                      Consumer<Score> scored) {
        memoryGuard.chooseFor(List.of());
        RunPreparation.useThreads(Runtime.getRuntime().availableProcessors());
        for (FinishedRun run : finished) {
            FashionMnist data = run.data(invocation.environment());
            Set<List<TestTimeAugmentation>> tried = new LinkedHashSet<>();
            tried.add(List.of());
            tried.add(run.spec().evaluation().tta());
            tried.addAll(views);
            List<Split> splits = new ArrayList<>(List.of(run.validation(data)));
            if (alsoTest) {
                splits.add(run.test(data));
            }
            Network net = run.network();
            for (Split split : splits) {
                Predictions plain = Predictor.predict(net, split);
                for (List<TestTimeAugmentation> v : tried) {
                    Predictions p = Predictor.withViews(net, split, plain, v);
                    scored.accept(new Score(run.folder(), split.name(), v, split.size(), p.accuracy(), p.loss()));
                }
            }
        }
    }
}
