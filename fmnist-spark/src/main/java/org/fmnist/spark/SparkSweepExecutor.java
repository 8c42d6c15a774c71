package org.fmnist.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SparkSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.runner.OnShutdown;
import org.fmnist.runner.Registry;
import org.fmnist.runner.experiment.CompletedRunRecord;
import org.fmnist.runner.experiment.RunPreparation;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.sweep.LinePrefixedStream;
import org.fmnist.runner.sweep.PointOutcome;
import org.fmnist.runner.sweep.SweepExecutor;
import org.fmnist.runner.sweep.SweepJob;

/**
 * {@code sweep.executor: spark}: each point is one Spark job of one task, submitted together so the
 * cluster runs as many at once as it has task slots, the way Hyperopt's SparkTrials runs trials.
 * The task ({@link PointTask}) runs the point's portable job in an executor JVM and returns its run
 * folder; the driver writes it into the sweep folder and records it in the trackers, once.
 *
 * <p>Numbers do not depend on where a point ran: each task reserves the model's threads
 * ({@code spark.task.cpus}) and pins the executor's native threads to the same count.
 */
final class SparkSweepExecutor implements SweepExecutor {
    /** The guard JavaCPP applies to native memory in executors of models that need it (see NativeMemoryGuard). */
    private static final String GUARDED_LIMIT = "3G";

    private final Registry registry;
    private final CompletedRunRecord recorder;
    private final SpecMapper mapper = new SpecMapper();
    private final ObjectMapper json = JsonMapperFactory.create();

    @Inject
    SparkSweepExecutor(Registry registry, CompletedRunRecord recorder) {
        this.registry = registry;
        this.recorder = recorder;
    }

    @Override
    public void checkCanRun(List<ResolvedSpec> points) {
        SparkMaster.requireReachable(SparkMaster.choose(points.get(0).spec().sweep().spark().master()));
    }

    @Override
    public List<PointOutcome> runAll(List<SweepJob> jobs, int parallel, Invocation invocation) {
        List<ResolvedSpec> specs = jobs.stream().map(j -> j.run().resolved(mapper)).toList();
        SparkSpec spark = specs.get(0).spec().sweep().spark();
        String master = SparkMaster.choose(spark.master());
        PrintStream out = invocation.out();
        SparkConf conf = conf(specs, master, spark);
        out.printf("spark: master %s, %s task CPU(s) a point%n", master, conf.get("spark.task.cpus"));
        JavaSparkContext sc = new JavaSparkContext(conf);
        // Ctrl-C: stop the points where they are; the sweep's own hook marks its records KILLED.
        OnShutdown onInterrupt = new OnShutdown(sc::cancelAllJobs);
        // One driver thread waits on each point's job; twice the cluster's task slots keep it busy
        // without a thread per point of a thousand-point sweep.
        ExecutorService submitters = Executors.newFixedThreadPool(Math.min(jobs.size(), Math.max(4, 2 * sc.defaultParallelism())), r -> {
            Thread t = new Thread(r, "fmnist-spark-point");
            t.setDaemon(true);
            return t;
        });
        try {
            PointTask task = new PointTask(shipData(sc, specs.get(0), invocation));
            List<Future<PointOutcome>> running = new ArrayList<>();
            for (SweepJob job : jobs) {
                PointTask.PointJob payload = new PointTask.PointJob(job.point().index(), json.writeValueAsString(job.run()));
                running.add(submitters.submit(() -> finish(job, sc.parallelize(List.of(payload), 1).map(task).collect(),
                        jobs.size(), out)));
            }
            List<PointOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                outcomes.add(outcome(jobs.get(i), running.get(i)));
            }
            return outcomes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            submitters.shutdownNow();
            sc.stop();
            onInterrupt.close();
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
            return PointOutcome.failed(job, "Spark gave up on the point: " + firstLine(cause.getMessage() == null
                    ? cause.toString() : cause.getMessage()));
        }
    }

    /** Writes a point's result into the sweep folder and records it; runs as each point's job completes. */
    private PointOutcome finish(SweepJob job, List<PointResult> results, int count, PrintStream out) throws IOException {
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

    /**
     * The application's settings: the fixed ones first, then {@code sweep.spark.conf}, which wins.
     * Each task reserves the most threads any point's model trains with, and executors pin their
     * native threads to that count, so a point's numbers do not depend on its neighbours.
     */
    private SparkConf conf(List<ResolvedSpec> specs, String master, SparkSpec spark) {
        int threads = 1;
        boolean guard = false;
        for (ResolvedSpec spec : specs) {
            ModelFactory<?> model = registry.model(spec);
            int t = spec.spec().training().threads();
            threads = Math.max(threads, t > 0 ? t : model.preferredThreads());
            guard |= model.needsNativeMemoryGuard();
        }
        SparkConf conf = new SparkConf()
                .setAppName("fmnist sweep " + specs.get(0).spec().name())
                .setMaster(master)
                .set("spark.task.cpus", Integer.toString(threads))
                .set("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(threads))
                .set("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                // A point is idempotent only as a whole: never run two copies of one at once.
                .set("spark.speculation", "false")
                .set("spark.ui.showConsoleProgress", "false")
                // The runner's own JVM settings (./runner), with the collector's threads held to the task's
                // share of the cores: two points on two cores otherwise slow each other down.
                .set("spark.executor.extraJavaOptions", "-XX:+UseParallelGC -XX:ParallelGCThreads=" + threads
                        + " -Djava.awt.headless=true -Dorg.bytedeco.javacpp.maxPhysicalBytes=" + (guard ? GUARDED_LIMIT : "0"));
        if (master.contains("127.0.0.1") || master.contains("localhost") || SparkMaster.isLocal(master)) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!SparkMaster.isLocal(master) && !spark.conf().containsKey("spark.jars")) {
            // Executors on this machine's workers load fmnist from where this JVM does, ahead of
            // Spark's own jars (whose Jackson is older); a remote cluster gets spark.jars from spark-submit.
            conf.set("spark.executor.extraClassPath", absoluteClassPath());
        }
        spark.conf().forEach(conf::set);
        return conf;
    }

    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Adds the data set's files, as the driver found them, to the application, so an executor whose
     * worker has no copy gets this one; every executor still checks the MD5s before using it.
     *
     * @return whether there was anything to ship
     */
    static boolean shipData(JavaSparkContext sc, ResolvedSpec spec, Invocation invocation) {
        DataLocator locator = RunPreparation.locator(spec.spec().data(), invocation.environment());
        Optional<DataLocator.Place> place = locator.find();
        place.flatMap(p -> locator.filesIn(p.directory()))
                .ifPresent(files -> files.values().forEach(file -> sc.addFile(file.toAbsolutePath().toString())));
        return place.isPresent();
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }
}
