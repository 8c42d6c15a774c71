package org.fmnist.runner.experiment;

import java.nio.file.Path;
import java.util.List;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.train.EpochMetrics;

/** What a finished run produced. */
public record RunResult(Path folder, List<EpochMetrics> history, Evaluation test, long parameters, double wallSeconds) {}
