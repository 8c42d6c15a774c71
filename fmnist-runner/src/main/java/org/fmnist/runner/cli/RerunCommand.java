package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.experiment.RunResult;
import org.fmnist.runner.folder.Provenance;
import org.fmnist.runner.job.RunJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code runner rerun RUN [KEY=VALUE...]}: a finished run again, and whether anything differs. */
@Command(name = "rerun", mixinStandardHelpOptions = true,
        header = "Runs a finished run again from its saved spec and compares the results.",
        description = {"Runs a finished (or failed) run again from its saved resolved spec, in a new run folder, and "
                + "says whether the code, the data or the results differ.", "", "Example: ./runner rerun results/baseline"})
final class RerunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "The run folder to run again")
    Path run;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of the saved spec's keys")
    List<String> changes = new ArrayList<>();

    private final Invocation invocation;
    private final ExperimentRun experiment;
    private final SpecLoader loader = new SpecLoader();

    @Inject
    RerunCommand(Invocation invocation, ExperimentRun experiment) {
        this.invocation = invocation;
        this.experiment = experiment;
    }

    @Override
    public Integer call() throws Exception {
        Path saved = SavedSpec.folder(run);
        ResolvedSpec resolved = loader.load(saved.resolve("spec.yaml"), changes, SavedSpec.withoutSpecKeys(invocation.environment()));
        List<String> command = new ArrayList<>(List.of("rerun", run.toString()));
        command.addAll(changes);
        Provenance before = Provenance.read(saved.resolve("provenance.json"));
        RunResult result = experiment.run(RunJob.of(resolved, loader.mapper(), command), invocation);
        RerunComparison.print(invocation.out(), saved, before, result, changes);
        return ExitCode.OK;
    }
}
