package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.job.RunJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code runner resume RUN}: continues an interrupted run from its last epoch checkpoint. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        header = "Continues an interrupted run from its last epoch checkpoint.",
        description = {"Continues into the same run folder and the same tracked runs, with the numbers an uninterrupted "
                + "run would have given.", "", "Example: ./runner resume runs/cnn/latest"})
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The run folder of the interrupted run")
    Path run;

    private final Invocation invocation;
    private final ExperimentRun experiment;
    private final SpecLoader loader = new SpecLoader();

    @Inject
    ResumeCommand(Invocation invocation, ExperimentRun experiment) {
        this.invocation = invocation;
        this.experiment = experiment;
    }

    @Override
    public Integer call() throws Exception {
        Path specFile = SavedSpec.in(run);
        if (Files.exists(run.resolve("metrics.json"))) {
            throw new SpecException(new SpecProblem(run.toString(), "", "this run finished; there is nothing to resume",
                    "to run it again, use ./runner rerun " + run));
        }
        // The job the run saved knows its parent and tags; a folder from before jobs has only its spec.
        Path saved = run.resolve(RunJob.FILE);
        RunJob job = Files.isRegularFile(saved) ? RunJob.read(saved)
                : RunJob.of(loader.load(specFile, List.of(), SavedSpec.withoutSpecKeys(invocation.environment())),
                        loader.mapper(), List.of());
        experiment.run(job.resuming(run), invocation);
        return ExitCode.OK;
    }
}
