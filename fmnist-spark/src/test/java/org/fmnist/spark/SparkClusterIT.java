package org.fmnist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.mlflow.LocalRunStore;
import org.fmnist.mlflow.MetricPoint;
import org.fmnist.runner.tracking.MlflowRest;
import org.fmnist.runner.tracking.MlflowServerProcess;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.RunnerScript;
import org.fmnist.runner.extension.HoldingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow tier: a real standalone cluster on 127.0.0.1, a master and two workers of one core each,
 * each its own process, started from pyspark's spark-class by {@code bin/loopback-cluster}. This JVM
 * is the driver.
 */
class SparkClusterIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("bin/loopback-cluster");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path cluster;
    private static String master;

    @TempDir
    Path dir;

    @BeforeAll
    static void startACluster() throws Exception {
        master = startCluster(cluster);
    }

    /** Starts a cluster of two one-core workers with its state in {@code dir}; returns its master URL. */
    private static String startCluster(Path dir) throws Exception {
        int port = freePort();
        Files.createDirectories(dir);
        Process start = new ProcessBuilder(SCRIPT.toString(), "start", "--workers", "2", "--cores", "1", "--memory", "2g",
                "--port", Integer.toString(port), "--ui-port", Integer.toString(freePort()), "--dir", dir.toString())
                .redirectError(dir.resolve("start.err").toFile()).start();
        assertTrue(start.waitFor(5, TimeUnit.MINUTES), "the cluster did not start within 5 minutes");
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, start.exitValue(), out + Files.readString(dir.resolve("start.err")));
        String url = out.lines().reduce((a, b) -> b).orElseThrow();
        assertEquals("spark://127.0.0.1:" + port, url);
        return url;
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        stopCluster(cluster);
    }

    private static void stopCluster(Path dir) throws Exception {
        new ProcessBuilder(SCRIPT.toString(), "stop", "--dir", dir.toString()).inheritIO().start().waitFor(2, TimeUnit.MINUTES);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Four dense points of four epochs each; the first to reach its second epoch holds there until killed
     * ({@link HoldingModel}, here and in the executors), the others do not.
     */
    private List<String> sweep(String out, String... more) {
        List<String> args = new ArrayList<>(List.of(SparkSweepTest.BASELINE.toString(), "model.type=holding",
                "model.signal=" + dir.resolve("held"), "--sweep", "model.hidden=16,24,32,40",
                "training.epochs=4", "data.train_limit=24000", "data.test_limit=1000", "training.validation_split=0.1",
                "sweep.metric=val_accuracy", "output.samples=0", "output.save_model=false",
                "output.dir=" + dir.resolve(out), "tracking.mlflow.store=" + dir.resolve(out + "-mlruns"),
                "sweep.spark.secret_file=" + cluster.resolve("secret")));
        args.addAll(List.of(more));
        return args;
    }

    /**
     * A two-point dense sweep on the cluster through the real {@code ./runner} script, as a user types it
     * from the project's root, with the cluster's secret unless {@code more} gives another.
     */
    private RunnerScript.Outcome scriptSweep(String out, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("experiments/baseline.yaml", "--sweep", "model.hidden=16,24",
                "training.epochs=1", "data.train_limit=2000", "data.test_limit=500", "output.samples=0",
                "output.dir=" + dir.resolve(out), "tracking.mlflow.store=" + dir.resolve(out + "-mlruns"),
                "sweep.executor=spark", "sweep.spark.master=" + master, "sweep.spark.secret_file=" + cluster.resolve("secret")));
        args.addAll(List.of(more));
        return RunnerScript.run(dir, Map.of(), args.toArray(String[]::new));
    }

    @Test
    void aSweepSurvivesAWorkerKilledMidPointRecordsEachPointOnceAndGivesTheLocalNumbers() throws Exception {
        // The worker running the point that holds is killed in the middle of that point, whatever the
        // machine's speed. Trackers do not run in executors, so the hold is the model's (HoldingModel).
        Path held = dir.resolve("held");
        CompletableFuture<RunnerMainAccess.Outcome> onCluster = CompletableFuture.supplyAsync(() -> RunnerMainAccess.run(
                Map.of(), sweep("cluster", "sweep.executor=spark", "sweep.spark.master=" + master).toArray(String[]::new)));
        waitUntil(() -> Files.exists(held) && !Files.readString(held).isBlank() || onCluster.isDone(), 300,
                "no point reached its second epoch");
        if (onCluster.isDone()) {
            RunnerMainAccess.Outcome early = onCluster.get();
            fail("the sweep ended before a point held at its second epoch (exit " + early.exit() + "):\n" + early.out() + early.err());
        }
        long executor = Long.parseLong(Files.readString(held).strip());
        // Live: the holding point's first epoch is in its record while the point is still training.
        assertTrue(new LocalRunStore(dir.resolve("cluster-mlruns")).runs().stream().anyMatch(r -> r.status() == RunStatus.RUNNING
                && r.tags().containsKey("fmnist.sweep_point") && r.metrics().containsKey("val_loss")
                && r.metrics().get("val_loss").stream().map(MetricPoint::step).toList().equals(List.of(1L))),
                "a point held in its second epoch has its first recorded already");
        // Mid-sweep, every process of it (this driver, the master, the workers, their executors) listens on loopback only.
        List<Long> sweepPids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
        jvmsWorkingIn(cluster).forEach(h -> sweepPids.add(h.pid()));
        List<ListeningSockets.Socket> listening = ListeningSockets.of(sweepPids);
        assertTrue(listening.size() >= 4, "the master's, the workers' and the driver's endpoints were seen: " + listening);
        assertEquals(List.of(), listening.stream().filter(l -> !l.loopback()).toList(), "sockets listening beyond loopback");
        String worker = ProcessHandle.of(executor).map(h -> workerOf(h, cluster)).orElseThrow();
        long workerPid = Long.parseLong(run(SCRIPT.toString(), "pid", worker, "--dir", cluster.toString()).strip());
        List<ProcessHandle> killed = new ArrayList<>(jvmsWorkingIn(cluster.resolve(worker)));
        ProcessHandle.of(workerPid).ifPresent(killed::add);
        assertTrue(killed.stream().anyMatch(h -> h.pid() == executor), "the holding executor runs in " + worker);
        // SIGKILL, as when a machine dies: no shutdown hooks, no goodbye to the master.
        killed.forEach(ProcessHandle::destroyForcibly);

        RunnerMainAccess.Outcome o = onCluster.get(10, TimeUnit.MINUTES);
        RunnerMainAccess.Outcome local = RunnerMainAccess.run(Map.of(), sweep("local", "sweep.executor=local")
                .toArray(String[]::new));

        assertEquals(0, o.exit(), o.out() + o.err());
        assertEquals(0, local.exit(), local.err());
        Path sweepFolder = SparkSweepTest.onlySweep(dir.resolve("cluster"));
        Path localFolder = SparkSweepTest.onlySweep(dir.resolve("local"));
        int retried = 0;
        for (int p = 1; p <= 4; p++) {
            String point = String.format("point-%02d", p);
            JsonNode cost = JSON.readTree(sweepFolder.resolve(point).resolve("spark.json").toFile());
            retried += cost.get("attempt").asInt() > 1 ? 1 : 0;
            JsonNode onCluster2 = JSON.readTree(sweepFolder.resolve(point).resolve("metrics.json").toFile()).get("summary");
            JsonNode onLocal = JSON.readTree(localFolder.resolve(point).resolve("metrics.json").toFile()).get("summary");
            for (String metric : List.of("val_accuracy", "val_loss", "test_accuracy", "test_loss")) {
                assertEquals(onLocal.get(metric).asDouble(), onCluster2.get(metric).asDouble(), 0.0,
                        point + " " + metric + ": the same numbers in an executor JVM of the cluster as in this one");
            }
        }
        assertTrue(retried >= 1, "the point on the killed worker ran again:\n" + o.out());
        try (Stream<Path> logs = Files.walk(cluster)) {
            List<Path> stderr = logs.filter(f -> f.getFileName().toString().equals("stderr")).toList();
            assertFalse(stderr.isEmpty(), "the executors' logs");
            for (Path log : stderr) {
                assertFalse(Files.readString(log).contains("multiple SLF4J providers"), "one SLF4J provider in " + log);
            }
        }
        try (Stream<Path> scratch = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            List<Path> left = scratch.filter(f -> f.getFileName().toString().startsWith(PointScratch.PREFIX))
                    .filter(f -> ownedBy(f, executor)).toList();
            assertEquals(List.of(), left, "the killed attempt's scratch folder, removed by the attempt that ran its point again");
        }

        List<LocalRunStore.LocalRun> runs = new LocalRunStore(dir.resolve("cluster-mlruns")).runs();
        assertEquals(5, runs.size(), "the sweep and each of its four points, once");
        for (LocalRunStore.LocalRun run : runs) {
            assertEquals(RunStatus.FINISHED, run.status());
            if (!"true".equals(run.tags().get("fmnist.sweep"))) {
                assertEquals(List.of(1L, 2L, 3L, 4L), run.metrics().get("val_loss").stream().map(MetricPoint::step).toList(),
                        "each epoch of " + run.runName() + " recorded once");
            }
        }
    }

    /**
     * A successive-halving search on the cluster, recorded on a real MLflow server: the first trial the search
     * promotes holds in its second epoch, on an executor that resumed it from the folder the driver sent, and
     * that executor's worker is killed. Spark runs the promotion again on the other worker from the same
     * folder; the search completes, and the server holds the search and each trial once, each epoch a trial
     * trained once, and where the search left each trial.
     */
    @Test
    void aSearchSurvivesAWorkerKilledMidTrialAndTheServerHoldsEachTrialAndEpochOnce() throws Exception {
        Path held = dir.resolve("held");
        // A cluster of its own: the class's cluster may have lost a worker to another test already.
        Path own = dir.resolve("cluster");
        String ownMaster = startCluster(own);
        try (MlflowServerProcess server = MlflowServerProcess.start(dir.resolve("mlflow-server"), false)) {
            List<String> search = sweep("search", "sweep.executor=spark", "sweep.spark.master=" + ownMaster,
                    "sweep.spark.secret_file=" + own.resolve("secret"), "sweep.search=asha", "sweep.asha.rungs=[1, 2, 4]",
                    "sweep.asha.reduction=2", "tracking.mlflow.uri=" + server.uri(), "data.train_limit=6000");
            CompletableFuture<RunnerMainAccess.Outcome> onCluster = CompletableFuture.supplyAsync(() -> RunnerMainAccess.run(
                    Map.of(), search.toArray(String[]::new)));
            waitUntil(() -> Files.exists(held) && !Files.readString(held).isBlank() || onCluster.isDone(), 300,
                    "no trial reached its second epoch");
            if (onCluster.isDone()) {
                RunnerMainAccess.Outcome early = onCluster.get();
                fail("the search ended before a trial held in its second epoch (exit " + early.exit() + "):\n" + early.out()
                        + early.err());
            }
            long executor = Long.parseLong(Files.readString(held).strip());
            String worker = ProcessHandle.of(executor).map(h -> workerOf(h, own)).orElseThrow();
            long workerPid = Long.parseLong(run(SCRIPT.toString(), "pid", worker, "--dir", own.toString()).strip());
            List<ProcessHandle> killed = new ArrayList<>(jvmsWorkingIn(own.resolve(worker)));
            ProcessHandle.of(workerPid).ifPresent(killed::add);
            killed.forEach(ProcessHandle::destroyForcibly);

            RunnerMainAccess.Outcome o = onCluster.get(10, TimeUnit.MINUTES);

            assertEquals(0, o.exit(), o.out() + o.err());
            assertTrue(o.out().matches("(?s).*\\(to epoch 2\\) \\(executor \\d+, attempt 2\\).*"),
                    "the killed promotion ran again on the other worker:\n" + o.out());
            JsonNode points = JSON.readTree(SparkSweepTest.onlySweep(dir.resolve("search")).resolve("sweep.json").toFile())
                    .get("points");
            Map<String, Integer> epochsByLabel = new java.util.TreeMap<>();
            for (JsonNode p : points) {
                epochsByLabel.put("model.hidden=" + p.at("/values/model.hidden").asText(),
                        p.has("stopped_after_epoch") ? p.get("stopped_after_epoch").asInt() : 4);
            }
            MlflowRest rest = new MlflowRest(server.uri(), null, null);
            List<JsonNode> runs = rest.runs("baseline");
            assertEquals(5, runs.size(), "the search and each of its four trials, once");
            Map<String, Integer> recorded = new java.util.TreeMap<>();
            for (JsonNode r : runs) {
                Map<String, String> tags = MlflowRest.keyValues(r.at("/data/tags"));
                assertEquals("FINISHED", r.at("/info/status").asText(), tags.toString());
                String label = tags.get("fmnist.sweep_point");
                if (label != null) {
                    List<Double> steps = rest.history(r.at("/info/run_id").asText(), "val_loss").stream().map(s -> s[0]).toList();
                    int epochs = epochsByLabel.get(label);
                    assertEquals(java.util.stream.IntStream.rangeClosed(1, epochs).mapToObj(e -> (double) e).toList(), steps,
                            "each epoch of " + label + " recorded once");
                    assertEquals(epochs == 4 ? "finished" : "stopped", tags.get("fmnist.search.status"), label);
                    recorded.put(label, epochs);
                }
            }
            assertEquals(epochsByLabel, recorded);
        } finally {
            stopCluster(own);
        }
    }

    /**
     * A worker whose JVM cannot start is named, the start fails with exit 1, and nothing of that
     * cluster is left running. (A worker that merely has not exec'ed its JVM yet, as on a loaded
     * machine, must not count as dead: the script waits on the launched process, not on its class.)
     */
    @Test
    void aWorkerThatCannotStartIsNamedAndNothingIsLeftRunning() throws Exception {
        Path broken = dir.resolve("broken-cluster");
        ProcessBuilder start = new ProcessBuilder(SCRIPT.toString(), "start", "--workers", "2", "--cores", "1",
                "--memory", "1g", "--port", Integer.toString(freePort()), "--ui-port", Integer.toString(freePort()),
                "--dir", broken.toString()).redirectErrorStream(true);
        start.environment().put("SPARK_WORKER_OPTS", "-XX:+NoSuchFlag");
        Process p = start.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "start gave up within 2 minutes");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.matches("(?s).*worker-[12] exited during start-up.*"), out);
        assertTrue(out.contains("Unrecognized VM option 'NoSuchFlag'"), "the worker's log tail is shown: " + out);
        assertTrue(out.contains("stopped the master"), out);
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            // The cluster's JVMs all run in its dir, which is how the script finds them too.
            assertFalse(all.anyMatch(h -> h.info().commandLine().orElse("").contains("org.apache.spark.")
                    && runsIn(h, broken)), "no JVM of the broken cluster is left");
        }
    }

    private static boolean runsIn(ProcessHandle process, Path dir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd")).startsWith(dir);
        } catch (IOException | UnsupportedOperationException e) {
            return false; // gone meanwhile, or not ours to read
        }
    }

    @Test
    void anUnreachableMasterIsRefusedWithinSecondsBeforeTheSweepRecordsAnything() throws Exception {
        long start = System.nanoTime();
        RunnerScript.Outcome o = scriptSweep("nowhere", "sweep.spark.master=spark://127.0.0.1:" + freePort());

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("cannot be reached") && o.err().contains("bin/loopback-cluster start"), o.err());
        assertTrue((System.nanoTime() - start) / 1e9 < 20);
        assertFalse(Files.exists(dir.resolve("nowhere")) || Files.exists(dir.resolve("nowhere-mlruns")),
                "no sweep folder and no tracked run for a sweep that never started");
    }

    private static boolean ownedBy(Path scratch, long pid) {
        try {
            return Files.readString(scratch.resolve(PointScratch.OWNER)).startsWith(pid + " ");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The cluster runs with Spark's RPC authentication, its secret in a file only its user can read and on
     * no command line; a sweep without the secret, or with another, is refused in words before it records anything.
     */
    @Test
    void theClusterAuthenticatesAndASweepWithoutItsSecretIsRefused() throws Exception {
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(cluster.resolve("secret")));
        String secret = Files.readString(cluster.resolve("secret")).strip();
        assertTrue(secret.length() >= 32, "a secret of 32 random bytes");
        for (ProcessHandle jvm : jvmsWorkingIn(cluster)) {
            assertFalse(Files.readString(Path.of("/proc", Long.toString(jvm.pid()), "cmdline")).contains(secret),
                    "the secret on the command line of " + jvm.pid());
        }
        Path wrong = Files.writeString(dir.resolve("wrong-secret"), "not the cluster's\n");

        for (String[] without : List.of(new String[] {"sweep.spark.secret_file="}, new String[] {"sweep.spark.secret_file=" + wrong})) {
            RunnerScript.Outcome o = scriptSweep("unauthenticated", without);

            assertEquals(2, o.exit(), o.out() + o.err());
            assertTrue(o.err().contains(without[0].endsWith("=") ? "asks for Spark's authentication (spark.authenticate), which this"
                    + " sweep lacks" : "its secret differs from the one this sweep gave"), o.err());
            assertTrue(o.err().contains("sweep.spark.secret_file=DIR/secret"), o.err());
            assertFalse(o.err().contains("\tat ") || o.out().contains("\tat "), o.out() + o.err());
            assertFalse(Files.exists(dir.resolve("unauthenticated")) || Files.exists(dir.resolve("unauthenticated-mlruns")),
                    "nothing recorded");
        }
    }

    /** A point that needs more cores than any worker offers is refused once the executors joined, not waited on for ever. */
    @Test
    void aPointNoWorkerCanTakeIsRefusedBeforeTheSweepRecordsAnything() throws Exception {
        RunnerScript.Outcome o = scriptSweep("greedy", "training.threads=2");

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("no worker can take a point: each trains on 2 threads, so it needs 2 task CPUs, and the"
                + " largest of the cluster's 2 executor(s) has 1 core(s)"), o.err());
        assertTrue(o.err().contains("training.threads=1") && o.err().contains("bin/loopback-cluster start --cores 2"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
        assertFalse(Files.exists(dir.resolve("greedy")) || Files.exists(dir.resolve("greedy-mlruns")), "nothing recorded");
    }

    /** The worker (worker-1, worker-2) whose folder {@code executor} works in. */
    /** The worker of the cluster in {@code clusterDir} that launched {@code executor}: worker-N. */
    private static String workerOf(ProcessHandle executor, Path clusterDir) {
        try {
            Path cwd = Path.of("/proc", Long.toString(executor.pid()), "cwd").toRealPath();
            return clusterDir.toRealPath().relativize(cwd).getName(0).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVMs whose working directory is below {@code dir}: the executors a worker launched there. */
    private static List<ProcessHandle> jvmsWorkingIn(Path dir) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Path.of("/proc", Long.toString(p.pid()), "cwd").toRealPath().startsWith(dir.toRealPath());
            } catch (IOException | SecurityException gone) {
                return false;
            }
        }).toList();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
        return out;
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitUntil(Condition condition, int seconds, String failure) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(failure);
    }
}
