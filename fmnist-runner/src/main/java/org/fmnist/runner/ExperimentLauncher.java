package org.fmnist.runner;

/** Runs one experiment in a context of its own; a sweep calls it once per point. */
@FunctionalInterface
interface ExperimentLauncher {
    RunResult launch(ExperimentModule.RunContext context) throws Exception;
}
