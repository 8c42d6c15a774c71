package org.fmnist.runner.sweep;

import java.util.List;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ResolvedSpec;

/**
 * Runs the jobs of a sweep. An executor decides where jobs run and how many at once; it never
 * changes what a job computes, so a sweep gives the same numbers on any executor. It receives
 * plain {@link SweepJob}s, not code, so another engine can run them on other machines.
 */
public interface SweepExecutor {

    /**
     * Refuses, before the sweep makes its folder or records anything, a sweep this executor could
     * never run (a cluster that cannot be reached); by default every sweep can run.
     *
     * @param points every point's resolved spec
     * @throws org.fmnist.core.spec.SpecException naming what is wrong and the fix
     */
    default void checkCanRun(List<ResolvedSpec> points) {}

    /**
     * Runs every job and returns their outcomes in point order, each read from its run folder's
     * {@code metrics.json} ({@link PointOutcome#read}). A job that fails becomes a failed outcome; the
     * others still run.
     *
     * @param parallel how many points the spec allows at once ({@code sweep.parallel})
     * @param invocation the console and environment of the runner that started the sweep
     */
    List<PointOutcome> runAll(List<SweepJob> jobs, int parallel, Invocation invocation);
}
