package org.fmnist.spark;

import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.Utils;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SparkSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.runner.Registry;
import org.fmnist.runner.experiment.CompletedRunRecord;
import org.fmnist.runner.experiment.RunPreparation;
import org.fmnist.runner.sweep.SweepExecutor;

/**
 * {@code sweep.executor: spark}: the sweep's points as Spark jobs ({@link SparkPoints}), on a master
 * checked before anything is recorded: reachable, and with an executor that can take a point.
 *
 * <p>Numbers do not depend on where a point ran: each task reserves the model's threads
 * ({@code spark.task.cpus}) and pins the executor's native threads to the same count.
 */
final class SparkSweepExecutor implements SweepExecutor {
    /** The guard JavaCPP applies to native memory in executors of models that need it (see NativeMemoryGuard). */
    private static final String GUARDED_LIMIT = "3G";
    /** How long the driver waits for a cluster's first executor before it lets the points wait on their own. */
    private static final long JOIN_WAIT_SECONDS = 60;
    /** Executors that joined, then none for this long: the cluster's workers are all in. */
    private static final double SETTLE_SECONDS = 3;
    /** The SLF4J provider of Spark's own jars (log4j-slf4j2-impl), which executors log through. */
    private static final String SPARK_SLF4J_PROVIDER = "org.apache.logging.slf4j.SLF4JServiceProvider";

    private final Registry registry;
    private final CompletedRunRecord recorder;

    @Inject
    SparkSweepExecutor(Registry registry, CompletedRunRecord recorder) {
        this.registry = registry;
        this.recorder = recorder;
    }

    @Override
    public Session open(List<ResolvedSpec> points, Invocation invocation) {
        SparkSpec spark = points.get(0).spec().sweep().spark();
        String master = SparkMaster.choose(spark.master());
        SparkMaster.requireReachable(master);
        int threads = 1;
        boolean guard = false;
        for (ResolvedSpec spec : points) {
            ModelFactory<?> model = registry.model(spec);
            int t = spec.spec().training().threads();
            threads = Math.max(threads, t > 0 ? t : model.preferredThreads());
            guard |= model.needsNativeMemoryGuard();
        }
        SparkMaster.requireLocalSlots(master, threads);
        PrintStream out = invocation.out();
        if (SparkMaster.isLoopback(master)) {
            // Spark names this machine by resolving its host name, which here is loopback, and warns that it picks
            // another interface; told the name, as a worker tells its executors (--hostname), it resolves nothing.
            Utils.setCustomHostname(SparkMaster.LOOPBACK);
        }
        SparkMaster.requireValidSettings(spark.conf(), points.get(0)::sourceOf);
        SparkConf conf = conf(points.get(0), master, spark, threads, guard);
        out.printf("spark: master %s, %s task CPU(s) a point%n", master, conf.get("spark.task.cpus"));
        SparkMaster.requireAccepts(master, conf);
        JavaSparkContext sc = SparkMaster.start(conf);
        ExecutorCores cores = new ExecutorCores();
        sc.sc().addSparkListener(cores);
        EpochRelay relay = null;
        try {
            if (!SparkMaster.isLocal(master)) {
                awaitAnExecutorFor(threads, master, cores, out);
            }
            // Where Spark tells executors to reach this driver, the executors also send the epochs they train.
            relay = EpochRelay.on(sc.getConf().get("spark.driver.host"));
            PointTask task = new PointTask(shipData(sc, points.get(0), invocation), relay.uri().toString(), relay.token());
            return new SparkPoints(sc, cores, task, threads, spark.parallelism(), recorder, relay, out);
        } catch (IOException e) {
            sc.stop();
            throw new UncheckedIOException("Cannot listen for the executors' epochs on this driver: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (relay != null) {
                relay.close();
            }
            sc.stop();
            throw e;
        }
    }

    /**
     * Returns once an executor offers {@code threads} cores. Refuses the sweep when executors joined and
     * none can ever take a point (a worker offers all its cores to one executor, so the largest executor is
     * the largest worker): Spark itself would wait for ever without a word. When none joins within
     * {@value #JOIN_WAIT_SECONDS} s, says so and lets the points wait for one.
     */
    private static void awaitAnExecutorFor(int threads, String master, ExecutorCores cores, PrintStream out) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_WAIT_SECONDS);
        while (cores.largest() < threads) {
            if (cores.executors() > 0 && cores.secondsSinceLastJoin() >= SETTLE_SECONDS) {
                throw new SpecException(new SpecProblem("sweep.spark.master " + master, "training.threads",
                        "no worker can take a point: each trains on " + threads + " threads, so it needs " + threads
                                + " task CPUs, and the largest of the cluster's " + cores.executors() + " executor(s) has "
                                + cores.largest() + " core(s); Spark would wait for ever",
                        "train each point on fewer threads (training.threads=" + cores.largest() + "), or give the workers"
                                + " more cores (bin/loopback-cluster start --cores " + threads + ")"));
            }
            if (System.nanoTime() > deadline) {
                out.printf("spark: no executor has joined after %d s; the cluster's cores may all be taken by other"
                        + " applications (see the master's web UI). The points wait for one.%n", JOIN_WAIT_SECONDS);
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster's executors", e);
            }
        }
    }

    /**
     * The application's settings: the fixed ones first, then {@code sweep.spark.conf}, which wins.
     * Each task reserves the most threads any point's model trains with, and executors pin their
     * native threads to that count, so a point's numbers do not depend on its neighbours.
     */
    private static SparkConf conf(ResolvedSpec first, String master, SparkSpec spark, int threads, boolean guard) {
        SparkConf conf = new SparkConf()
                .setAppName("fmnist sweep " + first.spec().name())
                .setMaster(master)
                .set("spark.task.cpus", Integer.toString(threads))
                .set("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(threads))
                .set("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                // A point is idempotent only as a whole: never run two copies of one at once.
                .set("spark.speculation", "false")
                .set("spark.ui.showConsoleProgress", "false")
                // The runner's own JVM settings (./runner), with the collector's threads held to the task's
                // share of the cores: two points on two cores otherwise slow each other down.
                // An executor sees two SLF4J providers, fmnist's (slf4j-simple, through the runner jar's manifest) and
                // Spark's own (log4j 2); named, Spark's is taken without SLF4J's warning about the other.
                .set("spark.executor.extraJavaOptions", "-XX:+UseParallelGC -XX:ParallelGCThreads=" + threads
                        + " -Djava.awt.headless=true -Dorg.bytedeco.javacpp.maxPhysicalBytes=" + (guard ? GUARDED_LIMIT : "0")
                        + " -Dslf4j.provider=" + SPARK_SLF4J_PROVIDER);
        if (SparkMaster.isLoopback(master)) {
            // Everything the driver serves (its RPC endpoint, the block manager) on loopback only, and no web UI
            // unless the spec asks for one: nothing of a sweep on this machine listens on another interface.
            conf.set("spark.driver.host", SparkMaster.LOOPBACK).set("spark.driver.bindAddress", SparkMaster.LOOPBACK)
                    .set("spark.ui.enabled", "false");
        }
        if (!SparkMaster.isLocal(master) && !spark.conf().containsKey("spark.jars")) {
            // Executors on this machine's workers load fmnist from where this JVM does, ahead of
            // Spark's own jars (whose Jackson is older); a remote cluster gets spark.jars from spark-submit.
            conf.set("spark.executor.extraClassPath", absoluteClassPath());
        }
        SparkMaster.secret(master, spark.secretFile()).ifPresent(secret ->
                conf.set("spark.authenticate", "true").set("spark.authenticate.secret", secret));
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

}
