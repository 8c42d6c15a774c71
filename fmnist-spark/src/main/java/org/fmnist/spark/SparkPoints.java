package org.fmnist.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.apache.spark.api.java.JavaSparkContext;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.runner.OnShutdown;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.runner.experiment.CompletedRunRecord;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.sweep.LinePrefixedStream;
import org.fmnist.runner.sweep.PointOutcome;
import org.fmnist.runner.sweep.SweepExecutor;
import org.fmnist.runner.sweep.SweepJob;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * A sweep's points on a started Spark application: each job of a point one Spark job of one task, as
 * many started at once as the cluster has task slots for (or {@code sweep.spark.parallelism}), the way
 * Hyperopt's SparkTrials runs trials. The task ({@link PointTask}) runs the point's portable job in
 * an executor JVM, sending each epoch to the driver as it trains ({@link EpochRelay}), and returns its run
 * folder; the driver writes it into the sweep folder. The driver starts each point's records before its
 * task and records into them: the epochs as they come, the rest once the folder is back, each once.
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
    private final EpochRelay relay;
    private final PrintStream out;
    private final ObjectMapper json = JsonMapperFactory.create();
    private final ExecutorService submitters = Executors.newCachedThreadPool(daemon("fmnist-spark-point"));
    private final ScheduledExecutorService notice = Executors.newSingleThreadScheduledExecutor(daemon("fmnist-spark-wait"));
    /** Ctrl-C: stop the points where they are; the sweep's own hook marks its records KILLED. */
    private final OnShutdown onInterrupt;

    /**
     * @param threads the task CPUs each point reserves
     * @param parallelism the most points at once; 0 for as many as the cluster takes
     */
    SparkPoints(JavaSparkContext sc, ExecutorCores cores, PointTask task, int threads, int parallelism,
                CompletedRunRecord recorder, EpochRelay relay, PrintStream out) {
        this.sc = sc;
        this.onInterrupt = new OnShutdown(sc::cancelAllJobs);
        this.cores = cores;
        this.task = task;
        this.threads = threads;
        this.parallelism = parallelism;
        this.recorder = recorder;
        this.relay = relay;
        this.out = out;
        notice.schedule(this::sayIfNothingStarted, WAIT_NOTICE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public int slots() {
        // One driver thread waits on each started point's job: parallelism of them cap the points at once; else
        // twice the cluster's task slots keep it busy, with points queued in Spark's scheduler beside the running ones.
        return parallelism > 0 ? parallelism : Math.max(4, 2 * sc.defaultParallelism());
    }

    @Override
    public CompletableFuture<PointOutcome> start(SweepJob job) {
        return CompletableFuture.supplyAsync(() -> {
            int point = job.point().index();
            try {
                // A job that resumes its point takes the point's folder along: the workers share no disk with the driver.
                byte[] folder = job.run().resume() ? RunFolderArchive.zip(job.run().runFolder()) : null;
                PointTask.PointJob payload = new PointTask.PointJob(point, json.writeValueAsString(job.run()), folder);
                // The driver owns the point's records: they start with its first epoch, as the executor sends it.
                relay.start(point, () -> recorder.live(job.run(), job.run().runFolder()));
                List<PointResult> results = sc.parallelize(List.of(payload), 1).map(task).collect();
                return finish(job, results, relay.stop(point));
            } catch (Exception e) {
                RunTrackers live = relay.stop(point);
                if (live != null) {
                    live.finish(OnShutdown.inProgress() ? RunStatus.KILLED : RunStatus.FAILED);
                }
                return PointOutcome.failed(job, "Spark gave up on the point: " + SparkMaster.firstLine(e.getMessage() == null
                        ? e.toString() : e.getMessage()));
            }
        }, submitters);
    }

    @Override
    public void close() {
        relay.close();
        notice.shutdownNow();
        submitters.shutdownNow();
        onInterrupt.close();
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

    /**
     * Writes a point's result into the sweep folder and records it; runs as each point's job completes.
     *
     * @param live the records its epochs went to; null when none came
     */
    private PointOutcome finish(SweepJob job, List<PointResult> results, RunTrackers live) throws IOException {
        PointResult result = results.get(0);
        Path folder = job.run().runFolder();
        if (result.folder() != null) {
            // The folder comes back whole: what the driver held before (a resumed point's) gives way to it.
            FileUtils.deleteDirectory(folder.toFile());
            RunFolderArchive.unzip(result.folder(), folder);
            // The folder's job as the driver sent it: this folder, recorded by its trackers.
            json.writeValue(folder.resolve(RunJob.FILE).toFile(), job.run());
            writeCost(folder, result);
        }
        // Points finishing together are recorded side by side; only their console lines take turns. The finished
        // folder completes the records the epochs went to (their ids kept in it), which take each epoch once.
        List<String> recorded = List.of();
        if (live != null) {
            Path ids = folder.resolve(RunFolder.TRACKED_RUN_IDS);
            if (result.folder() != null && !Files.exists(ids) && !live.runIds().isEmpty()) {
                json.writeValue(ids.toFile(), live.runIds());
            }
            live.finish(result.failure() == null ? RunStatus.FINISHED : RunStatus.FAILED);
        }
        if (result.failure() == null) {
            recorded = recorder.record(job.run(), folder);
        }
        synchronized (out) {
            PrintStream prefixed = LinePrefixedStream.of(out, "[" + job.point().index() + "/" + job.count() + "] ");
            prefixed.printf("== %s (executor %s, attempt %d) ==%n", job.title(), result.executor(), result.attempt() + 1);
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
