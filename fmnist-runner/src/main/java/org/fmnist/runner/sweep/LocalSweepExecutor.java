package org.fmnist.runner.sweep;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.runner.job.JobRunner;

/**
 * {@code sweep.executor: local}: jobs run in this process, one after another with
 * {@code sweep.parallel: 1}, else on a pool of that many threads, never more than the machine's
 * cores (more would only slow every point down). Parallel points print with a {@code [i/n]} prefix.
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
        return (jobs, parallel) -> runAll(jobs, parallel, invocation);
    }

    /** Runs every job in this process, as {@link Session#runAll} says. */
    public List<PointOutcome> runAll(List<SweepJob> jobs, int parallel, Invocation invocation) {
        int threads = Math.max(1, Math.min(Math.min(parallel, cores), jobs.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fmnist-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PointOutcome>> running = new ArrayList<>();
            for (SweepJob job : jobs) {
                running.add(pool.submit(() -> run(job, jobs.size(), threads == 1, invocation)));
            }
            List<PointOutcome> outcomes = new ArrayList<>();
            for (Future<PointOutcome> f : running) {
                outcomes.add(f.get());
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a point escaped its own failure handling", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private PointOutcome run(SweepJob job, int count, boolean alone, Invocation invocation) {
        PrintStream console = alone ? invocation.out()
                : LinePrefixedStream.of(invocation.out(), "[" + job.point().index() + "/" + count + "] ");
        console.printf("== point %d of %d: %s ==%n", job.point().index(), count, job.point().label());
        try {
            runs.get().execute(job.run(), invocation.printingTo(console, alone && invocation.terminal()));
            return PointOutcome.read(job);
        } catch (Exception | Error e) {
            return PointOutcome.failed(job, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
