package org.fmnist.runner.job;

import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.train.TrainingListener;

/**
 * Executes a {@link RunJob} in this process, writing its run folder. The runner's
 * {@code ExperimentRun} is the one implementation; executors depend on this interface so that
 * where and how often jobs run can be tested apart from training.
 */
public interface JobRunner {
    /**
     * @param alsoListening hears training as the run's own listeners do, e.g. a cluster's executor sending each
     *     epoch to its driver
     * @throws Exception when the run fails; its folder keeps what it wrote until then
     */
    void execute(RunJob job, Invocation invocation, TrainingListener alsoListening) throws Exception;

    /** Executes {@code job} with its own listeners only. */
    default void execute(RunJob job, Invocation invocation) throws Exception {
        execute(job, invocation, new TrainingListener() {});
    }
}
