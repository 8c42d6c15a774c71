package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.job.RunJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code runner job FILE}: executes one portable job, e.g. a sweep point on another machine. The
 * job carries its resolved spec, so only the data and the jars need to be there.
 */
@Command(name = "job", mixinStandardHelpOptions = true,
        header = "Executes one run described by a job file (job.json).",
        description = {"A job holds the run's resolved spec, where its outputs go and how it is tracked. Every run folder "
                + "holds the job that made it.", "",
                "Example: ./runner job runs/sweep-dense/latest/point-02/job.json"})
final class JobCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The job file")
    Path file;

    private final Invocation invocation;
    private final ExperimentRun experiment;

    @Inject
    JobCommand(Invocation invocation, ExperimentRun experiment) {
        this.invocation = invocation;
        this.experiment = experiment;
    }

    @Override
    public Integer call() throws Exception {
        experiment.run(RunJob.read(file), invocation);
        return ExitCode.OK;
    }
}
