package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fmnist.core.eval.TestTimeAugmentation;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.ensemble.HeldOutScores;
import org.fmnist.runner.folder.FinishedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runner score}: finished runs scored on their validation images with and without test-time views, alone or together. */
@Command(name = "score", mixinStandardHelpOptions = true,
        header = "Scores finished runs again on the validation images each held out.",
        description = {"Without test-time views, with the run's own (evaluation.tta) and with those given by --tta, and with "
                + "--ensemble all together; --test adds the test set. Choose views and members here, then use them with "
                + "'runner ensemble' or in a spec. Prints a Markdown table.", "",
                "Example: ./runner score runs/cnn/latest --tta flip,shift",
                "         ./runner score runs/cnn-wide-seeds/latest --ensemble"})
final class ScoreCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders with a model.zip, or folders of them (a sweep's)")
    List<Path> runs;

    @Option(names = "--tta", paramLabel = "VIEW,...", split = ",", converter = TestTimeViewConverter.class,
            description = "Views to try as well, together, e.g. --tta flip,shift (see 'runner keys', evaluation.tta)")
    Set<TestTimeAugmentation> views;  // a set: a view named twice counts once

    @Option(names = "--test", description = "Also score the test set the same ways: once the choice is made on validation")
    boolean test;

    @Option(names = "--ensemble", description = {"Also score the runs together, their softmax outputs averaged, each with the",
            "--tta views or its run's own (as 'runner ensemble' does). They must have held out the same validation images:",
            "the same seed, data.train_limit and training.validation_split. Choose an ensemble's members here"})
    boolean together;

    @Spec
    CommandSpec spec;

    private final HeldOutScores scores;

    @Inject
    ScoreCommand(HeldOutScores scores) {
        this.scores = scores;
    }

    @Override
    public Integer call() throws Exception {
        List<FinishedRun> finished = scores.scorable(runs, together);
        PrintWriter out = spec.commandLine().getOut();
        out.println("| run | images | views | accuracy | loss |");
        out.println("|---|---|---|---:|---:|");
        scores.score(finished, Optional.ofNullable(views).map(List::copyOf), test, together, s -> {
            out.printf(Locale.ROOT, "| %s | %,d %s | %s | %.4f | %.4f |%n", s.run(), s.images(), s.split(), s.views(),
                    s.accuracy(), s.loss());
            out.flush();
        });
        return ExitCode.OK;
    }
}
