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
     * Gets ready to run a sweep's points (connects to a cluster, checks it can take them), before the
     * sweep makes its folder or records anything: a sweep this executor can never run is refused here,
     * and leaves nothing behind.
     *
     * @param points every point's resolved spec
     * @param invocation the console and environment of the runner that started the sweep
     * @throws org.fmnist.core.spec.SpecException naming what is wrong and the fix
     */
    Session open(List<ResolvedSpec> points, Invocation invocation);

    /** Where a sweep's points run, open until the sweep ends. */
    interface Session extends AutoCloseable {
        /**
         * Runs every job and returns their outcomes in point order, each read from its run folder's
         * {@code metrics.json} ({@link PointOutcome#read}). A job that fails becomes a failed outcome; the
         * others still run.
         *
         * @param parallel how many points the spec allows at once ({@code sweep.parallel})
         */
        List<PointOutcome> runAll(List<SweepJob> jobs, int parallel);

        @Override
        default void close() {}
    }
}
