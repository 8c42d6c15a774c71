package org.fmnist.runner.sweep;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code sweep.executor: local}: points run in this process, one after another with
 * {@code sweep.parallel: 1}, else on a pool of that many threads, never more than the machine's
 * cores (more would only slow every point down).
 */
public final class LocalSweepExecutor implements SweepExecutor {
    private final int cores;

    @Inject
    LocalSweepExecutor() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** @param cores the most points to run at once */
    public LocalSweepExecutor(int cores) {
        this.cores = cores;
    }

    @Override
    public List<PointOutcome> runAll(List<SweepPoint> points, PointTask task, int parallel) {
        int threads = Math.max(1, Math.min(Math.min(parallel, cores), points.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fmnist-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PointOutcome>> running = new ArrayList<>();
            for (SweepPoint p : points) {
                running.add(pool.submit(() -> {
                    try {
                        return task.run(p);
                    } catch (Exception | Error e) {
                        return new PointOutcome(p, null, Map.of(), describe(e));
                    }
                }));
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

    private static String describe(Throwable e) {
        return (e.getMessage() == null ? e.toString() : e.getMessage()).strip().replaceAll("\\s+", " ");
    }
}
