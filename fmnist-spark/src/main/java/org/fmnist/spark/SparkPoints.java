package org.fmnist.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.runner.OnShutdown;
import org.fmnist.runner.experiment.CompletedRunRecord;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.sweep.LinePrefixedStream;
import org.fmnist.runner.sweep.PointOutcome;
import org.fmnist.runner.sweep.SweepExecutor;
import org.fmnist.runner.sweep.SweepJob;

/**
 * A sweep's points on a started Spark application: each point one Spark job of one task, submitted
 * together so the cluster runs as many at once as it has task slots (or {@code sweep.spark.parallelism}),
 * the way Hyperopt's SparkTrials runs trials. The task ({@link PointTask}) runs the point's portable job in
 * an executor JVM and returns its run folder; the driver writes it into the sweep folder and records it
 * in the trackers, once.
 */
final class SparkPoints implements SweepExecutor.Session {
    /** How long points may wait for a task slot before the sweep says so, once. */
    static final long WAIT_NOTICE_SECONDS = 60;

    private final JavaSparkContext sc;
    private final ExecutorCores cores;
    private final PointTask task;
    private final int threads;
    private final int parallelism;
    private final CompletedRunRecord recorder;
    private final PrintStream out;
    private final ObjectMapper json = JsonMapperFactory.create();

    /**
     * @param threads the task CPUs each point reserves
     * @param parallelism the most points at once; 0 for as many as the cluster takes
     */
    SparkPoints(JavaSparkContext sc, ExecutorCores cores, PointTask task, int threads, int parallelism,
                CompletedRunRecord recorder, PrintStream out) {
        this.sc = sc;
        this.cores = cores;
        this.task = task;
        this.threads = threads;
        this.parallelism = parallelism;
        this.recorder = recorder;
        this.out = out;
    }

    @Override
    public List<PointOutcome> runAll(List<SweepJob> jobs, int parallel) {
        // Ctrl-C: stop the points where they are; the sweep's own hook marks its records KILLED.
        OnShutdown onInterrupt = new OnShutdown(sc::cancelAllJobs);
        // One driver thread waits on each running point's job: parallelism of them cap the points at once;
        // else twice the cluster's task slots keep it busy without a thread per point of a thousand-point sweep.
        int submitting = parallelism > 0 ? parallelism : Math.max(4, 2 * sc.defaultParallelism());
        ExecutorService submitters = Executors.newFixedThreadPool(Math.min(jobs.size(), submitting), daemon("fmnist-spark-point"));
        ScheduledExecutorService notice = Executors.newSingleThreadScheduledExecutor(daemon("fmnist-spark-wait"));
        notice.schedule(this::sayIfNothingStarted, WAIT_NOTICE_SECONDS, TimeUnit.SECONDS);
        try {
            List<Future<PointOutcome>> running = new ArrayList<>();
            for (SweepJob job : jobs) {
                PointTask.PointJob payload = new PointTask.PointJob(job.point().index(), json.writeValueAsString(job.run()));
                running.add(submitters.submit(() -> finish(job, sc.parallelize(List.of(payload), 1).map(task).collect(),
                        jobs.size())));
            }
            List<PointOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                outcomes.add(outcome(jobs.get(i), running.get(i)));
            }
            return outcomes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            notice.shutdownNow();
            submitters.shutdownNow();
            onInterrupt.close();
        }
    }

    @Override
    public void close() {
        sc.stop();
    }

    /** Points that wait for a slot longer than {@value #WAIT_NOTICE_SECONDS} s say so, once, with the numbers. */
    private void sayIfNothingStarted() {
        if (!cores.anyPointStarted()) {
            synchronized (out) {
                out.printf("spark: no point has started after %d s: each needs %d task CPU(s), and the application has %d"
                        + " executor(s), the largest with %d core(s). Other applications may hold the cluster's cores (see"
                        + " the master's web UI); the points start as soon as a slot is free.%n", WAIT_NOTICE_SECONDS, threads,
                        cores.executors(), cores.largest());
            }
        }
    }

    /** The point's outcome once its Spark job is done; a job Spark gave up on is a failed point. */
    private static PointOutcome outcome(SweepJob job, Future<PointOutcome> running) {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PointOutcome.failed(job, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return PointOutcome.failed(job, "Spark gave up on the point: " + SparkMaster.firstLine(cause.getMessage() == null
                    ? cause.toString() : cause.getMessage()));
        }
    }

    /** Writes a point's result into the sweep folder and records it; runs as each point's job completes. */
    private PointOutcome finish(SweepJob job, List<PointResult> results, int count) throws IOException {
        PointResult result = results.get(0);
        Path folder = job.run().runFolder();
        if (result.folder() != null) {
            RunFolderArchive.unzip(result.folder(), folder);
            // The folder's job as the driver sent it: this folder, recorded by its trackers.
            json.writeValue(folder.resolve(RunJob.FILE).toFile(), job.run());
            writeCost(folder, result);
        }
        // Points finishing together are recorded side by side; only their console lines take turns.
        List<String> recorded = result.failure() == null ? recorder.record(job.run(), folder) : List.of();
        synchronized (out) {
            PrintStream prefixed = LinePrefixedStream.of(out, "[" + job.point().index() + "/" + count + "] ");
            prefixed.printf("== point %d of %d: %s (executor %s, attempt %d) ==%n", job.point().index(), count,
                    job.point().label(), result.executor(), result.attempt() + 1);
            prefixed.print(result.console());
            if (result.folder() != null) {
                prefixed.println("run folder on the driver: " + folder);
            }
            recorded.forEach(prefixed::println);
            prefixed.flush();
        }
        return result.failure() == null ? PointOutcome.read(job) : PointOutcome.failed(job, result.failure());
    }

    /** What running the point on Spark cost besides training, beside its outputs ({@code spark.json}). */
    private void writeCost(Path folder, PointResult result) throws IOException {
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("executor", result.executor());
        cost.put("attempt", result.attempt() + 1);
        cost.put("data_found_by", result.dataFoundBy());
        cost.put("data_check_seconds", result.dataCheckSeconds());
        cost.put("run_seconds", result.runSeconds());
        json.writeValue(folder.resolve("spark.json").toFile(), cost);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
