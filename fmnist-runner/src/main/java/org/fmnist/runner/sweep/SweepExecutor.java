package org.fmnist.runner.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
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
        /** The most jobs this session runs at once; a sweep keeps no more than that many started. */
        int slots();

        /**
         * Starts {@code job}. Its future completes with the outcome read from the job's run folder
         * ({@link PointOutcome#read}); a job that fails completes as a failed outcome, never exceptionally.
         */
        CompletableFuture<PointOutcome> start(SweepJob job);

        /** Runs every job, at most {@link #slots()} at once, and returns their outcomes in the jobs' order. */
        default List<PointOutcome> runAll(List<SweepJob> jobs) {
            Semaphore free = new Semaphore(slots());
            List<CompletableFuture<PointOutcome>> running = new ArrayList<>();
            try {
                for (SweepJob job : jobs) {
                    free.acquire();
                    running.add(start(job).whenComplete((outcome, e) -> free.release()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the sweep was interrupted", e);
            }
            return running.stream().map(CompletableFuture::join).toList();
        }

        @Override
        default void close() {}
    }
}
