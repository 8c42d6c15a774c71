package org.fmnist.runner.sweep;

import org.fmnist.runner.job.RunJob;

/**
 * One point of a sweep as an executor receives it: which point, and the portable job that runs it.
 * The job names the point's run folder, so the outcome is read back from there wherever it ran.
 */
public record SweepJob(SweepPoint point, RunJob run) {}
