package org.fmnist.runner.experiment;

import java.nio.file.Path;
import java.util.List;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.train.EpochMetrics;

/**
 * What a run produced.
 *
 * @param test the test set's evaluation; null when the run paused (its job's {@code pauseAfterEpoch})
 */
public record RunResult(Path folder, List<EpochMetrics> history, Evaluation test, long parameters, double wallSeconds) {}
