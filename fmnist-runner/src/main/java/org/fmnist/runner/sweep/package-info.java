/**
 * Sweeps: a grid of spec values expanded into points, run by a {@link org.fmnist.runner.sweep.SweepExecutor}
 * chosen by name ({@code sweep.executor}), and compared in one table. What a point does is the
 * runner's business; where and how many at once is the executor's, so another engine can run the
 * same specs later.
 */
package org.fmnist.runner.sweep;
