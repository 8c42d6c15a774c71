package org.fmnist.runner.job;

import org.fmnist.core.plugin.Invocation;

/**
 * Executes a {@link RunJob} in this process, writing its run folder. The runner's
 * {@code ExperimentRun} is the one implementation; executors depend on this interface so that
 * where and how often jobs run can be tested apart from training.
 */
public interface JobRunner {
    /** @throws Exception when the run fails; its folder keeps what it wrote until then */
    void execute(RunJob job, Invocation invocation) throws Exception;
}
