package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fmnist.core.eval.TestTimeAugmentation;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.ensemble.EnsembleRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runner ensemble}: one model from several finished runs, their softmax outputs averaged. */
@Command(name = "ensemble", mixinStandardHelpOptions = true,
        header = "Averages finished runs' outputs on the test set into a run of its own.",
        description = {"Averages the members' softmax outputs on the test set and writes the result as a run folder (report, "
                + "confusion matrix, pictures, metrics.json), recorded in the members' trackers and tagged with their run ids. "
                + "Each member is scored as its run was, test-time views included, unless --tta gives the views for all of them. "
                + "Many seeds of one spec: sweep over seed, then give the sweep's folder.", "",
                "Example: ./runner ensemble runs/cnn-wide-seeds/latest",
                "         ./runner ensemble runs/cnn/latest runs/cnn-deep/latest --tta flip"})
final class EnsembleCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders with a model.zip, or folders of them (a sweep's)")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "DIR", description = "The folder to write (default: OUTPUT_DIR/NAME/TIMESTAMP, after the first member's output.dir)")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "The ensemble's name (default: the first member's name followed by -ensemble)")
    String name;

    @Option(names = "--tta", paramLabel = "VIEW,...", split = ",", converter = TestTimeViewConverter.class,
            description = "Score every member with these test-time views instead of its run's own, e.g. --tta flip,shift "
                    + "(choose them on validation with 'runner score')")
    Set<TestTimeAugmentation> views;  // a set: a view named twice counts once

    private final EnsembleRun ensemble;

    @Inject
    EnsembleCommand(EnsembleRun ensemble) {
        this.ensemble = ensemble;
    }

    @Override
    public Integer call() throws Exception {
        List<String> command = new ArrayList<>(List.of("ensemble"));
        runs.forEach(r -> command.add(r.toString()));
        if (out != null) {
            command.addAll(List.of("--out", out.toString()));
        }
        if (name != null) {
            command.addAll(List.of("--name", name));
        }
        Optional<List<TestTimeAugmentation>> given = Optional.ofNullable(views).map(List::copyOf);
        given.ifPresent(v -> command.addAll(List.of("--tta", String.join(",", v.stream().map(TestTimeAugmentation::key).toList()))));
        ensemble.run(runs, out, name, given, command);
        return ExitCode.OK;
    }
}
