package org.fmnist.runner.sweep;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.runner.job.JobRunner;

/**
 * {@code sweep.executor: local}: jobs run in this process, one after another with
 * {@code sweep.parallel: 1}, else that many at once, never more than the machine's cores (more would
 * only slow every point down). Parallel points print with a {@code [i/n]} prefix.
 */
public final class LocalSweepExecutor implements SweepExecutor {
    private final Provider<JobRunner> runs;
    private final int cores;

    @Inject
    LocalSweepExecutor(Provider<JobRunner> runs) {
        this(runs, Runtime.getRuntime().availableProcessors());
    }

    /** @param cores the most points to run at once */
    public LocalSweepExecutor(Provider<JobRunner> runs, int cores) {
        this.runs = runs;
        this.cores = cores;
    }

    @Override
    public Session open(List<ResolvedSpec> points, Invocation invocation) {
        return open(points.get(0).spec().sweep().parallel(), invocation);
    }

    /** A session running {@code parallel} points at once, at most the machine's cores. */
    public Session open(int parallel, Invocation invocation) {
        int slots = Math.max(1, Math.min(parallel, cores));
        // The sweep keeps at most slots jobs started, so a thread per started job is all the pool holds.
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fmnist-sweep");
            t.setDaemon(true);
            return t;
        });
        return new Session() {
            @Override
            public int slots() {
                return slots;
            }

            @Override
            public CompletableFuture<PointOutcome> start(SweepJob job) {
                return CompletableFuture.supplyAsync(() -> run(job, slots == 1, invocation), pool);
            }

            @Override
            public void close() {
                pool.shutdownNow();
            }
        };
    }

    private PointOutcome run(SweepJob job, boolean alone, Invocation invocation) {
        PrintStream console = alone ? invocation.out()
                : LinePrefixedStream.of(invocation.out(), "[" + job.point().index() + "/" + job.count() + "] ");
        console.printf("== %s ==%n", job.title());
        try {
            runs.get().execute(job.run(), invocation.printingTo(console, alone && invocation.terminal()));
            return PointOutcome.read(job);
        } catch (Exception | Error e) {
            return PointOutcome.failed(job, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
