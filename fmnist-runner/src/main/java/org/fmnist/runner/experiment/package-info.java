/**
 * One experiment, start to end: {@link org.fmnist.runner.experiment.RunPreparation} turns a resolved
 * spec into data and a network, {@link org.fmnist.runner.experiment.ExperimentRun} trains and
 * evaluates it with the trackers and listeners the spec asks for, and hands the results to the run
 * folder.
 */
package org.fmnist.runner.experiment;
