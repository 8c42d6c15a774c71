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
import org.fmnist.runner.sweep.SavedSweep;
import org.fmnist.runner.sweep.SweepRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code runner resume RUN}: continues an interrupted run, or sweep, from its last epoch checkpoints. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        header = "Continues an interrupted run or sweep from its last epoch checkpoints.",
        description = {"Continues into the same run folder and the same tracked runs, with the numbers an uninterrupted "
                + "run would have given. Given a sweep's folder, the sweep goes on: finished points are kept, the others "
                + "train on from their checkpoints, and a search takes up its decisions where it stopped.", "",
                "Example: ./runner resume runs/cnn/latest"})
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The run folder of the interrupted run, or the sweep's folder")
    Path run;

    private final Invocation invocation;
    private final ExperimentRun experiment;
    private final SweepRun sweep;
    private final SpecLoader loader = new SpecLoader();

    @Inject
    ResumeCommand(Invocation invocation, ExperimentRun experiment, SweepRun sweep) {
        this.invocation = invocation;
        this.experiment = experiment;
        this.sweep = sweep;
    }

    @Override
    public Integer call() throws Exception {
        if (SavedSweep.isSweep(run)) {
            return sweep.resume(run);
        }
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
