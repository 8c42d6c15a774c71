package org.fmnist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.mlflow.LocalRunStore;
import org.fmnist.mlflow.MetricPoint;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast tier: the spark executor in local mode, against the local executor and with failures. */
class SparkSweepTest {
    static final Path BASELINE = Path.of("../experiments/baseline.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Timings, which differ between any two runs: compared by their steps only. */
    private static final Set<String> TIMINGS = Set.of("epoch_seconds", "samples_per_second", "train_seconds");

    @TempDir
    Path dir;

    /** A small two-point dense sweep, with the given executor settings. */
    private RunnerMainAccess.Outcome sweep(String out, String... more) {
        List<String> args = new ArrayList<>(List.of(BASELINE.toString(), "--sweep", "model.hidden=16,32",
                "training.epochs=2", "data.train_limit=1500", "data.test_limit=300", "training.validation_split=0.2",
                "sweep.metric=val_accuracy", "output.samples=0", "output.save_model=false",
                "output.dir=" + dir.resolve(out), "tracking.mlflow.store=" + dir.resolve(out + "-mlruns")));
        args.addAll(List.of(more));
        return RunnerMainAccess.run(Map.of(), args.toArray(String[]::new));
    }

    static Path onlySweep(Path out) throws IOException {
        try (Stream<Path> sweeps = Files.list(out.resolve("baseline"))) {
            return sweeps.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
    }

    /** sweep.spark.parallelism=1 on two task slots: one point at a time, each starting after the other ended. */
    @Test
    void parallelismCapsThePointsRunningAtOnce() throws IOException {
        RunnerMainAccess.Outcome o = sweep("capped", "sweep.executor=spark", "sweep.spark.master=local[2]",
                "sweep.spark.parallelism=1");

        assertEquals(0, o.exit(), o.out() + o.err());
        Path sweepFolder = onlySweep(dir.resolve("capped"));
        List<double[]> spans = new ArrayList<>();
        for (String point : List.of("point-01", "point-02")) {
            double start = java.time.Instant.parse(JSON.readTree(sweepFolder.resolve(point).resolve("provenance.json").toFile())
                    .get("started").asText()).toEpochMilli() / 1e3;
            double wall = JSON.readTree(sweepFolder.resolve(point).resolve("metrics.json").toFile()).get("wall_seconds").asDouble();
            spans.add(new double[] {start, start + wall});
        }
        spans.sort(java.util.Comparator.comparingDouble(span -> span[0]));
        assertTrue(spans.get(1)[0] >= spans.get(0)[1], "the second point started after the first ended: "
                + spans.stream().map(java.util.Arrays::toString).toList());
    }

    /** What Spark would refuse only while starting, with a trace, is refused first: exit 2, in words, and nothing recorded. */
    @Test
    void aSettingSparkRefusesAndTooFewLocalSlotsAreExitTwoBeforeAnythingIsRecorded() throws IOException {
        RunnerMainAccess.Outcome setting = sweep("setting", "sweep.executor=spark", "sweep.spark.master=local[2]",
                "sweep.spark.conf={spark.executor.memory: lots}");
        RunnerMainAccess.Outcome slots = sweep("slots", "sweep.executor=spark", "sweep.spark.master=local[1]", "training.threads=2");

        assertEquals(2, setting.exit(), setting.out() + setting.err());
        assertTrue(setting.err().contains("command line: sweep.spark.conf: spark.executor.memory: Spark refuses 'lots': Size must be"),
                setting.err());
        assertEquals(2, slots.exit(), slots.out() + slots.err());
        assertTrue(slots.err().contains("'local[1]' runs 1 task slot(s) in this JVM, and each point trains on 2 threads")
                && slots.err().contains("use local[2] or local[*]"), slots.err());
        for (RunnerMainAccess.Outcome o : List.of(setting, slots)) {
            assertFalse(o.err().contains("\tat ") || o.out().contains("\tat "), "no trace: " + o.out() + o.err());
        }
        for (String out : List.of("setting", "slots")) {
            assertFalse(Files.exists(dir.resolve(out)) || Files.exists(dir.resolve(out + "-mlruns")), "nothing recorded for " + out);
        }
    }

    /** No socket of a local sweep's driver listens beyond loopback, and it serves no web UI (Spark's is on *:4040 by default). */
    @Test
    void aLocalSweepListensOnLoopbackOnlyAndWarnsOnlyWhereItShould() throws Exception {
        List<Long> self = List.of(ProcessHandle.current().pid());
        Set<ListeningSockets.Socket> before = new HashSet<>(ListeningSockets.of(self));
        CompletableFuture<RunnerMainAccess.Outcome> running = CompletableFuture.supplyAsync(() -> sweep("listening",
                "sweep.executor=spark", "sweep.spark.master=local[2]"));
        Set<ListeningSockets.Socket> seen = new HashSet<>();
        while (!running.isDone()) {
            seen.addAll(ListeningSockets.of(self));
            Thread.sleep(20);
        }
        seen.removeAll(before);

        RunnerMainAccess.Outcome o = running.get();
        assertEquals(0, o.exit(), o.out() + o.err());
        assertFalse(seen.isEmpty(), "the driver's own endpoints were seen listening, so the check can see sockets");
        // Nor does it warn about this machine's host name or Hadoop's native library, neither of which a sweep uses.
        assertFalse((o.out() + o.err()).contains("Your hostname") || (o.out() + o.err()).contains("native-hadoop"), o.out() + o.err());
        assertFalse(org.slf4j.LoggerFactory.getLogger("org.apache.hadoop.util.NativeCodeLoader").isWarnEnabled());
        assertTrue(org.slf4j.LoggerFactory.getLogger("org.apache.spark.SparkContext").isWarnEnabled(), "Spark's real warnings still show");
        assertEquals(List.of(), seen.stream().filter(s -> !s.loopback()).toList(), "sockets listening beyond loopback");
    }

    /**
     * With mirrored test-time views on, so that the driver's record of a point must also carry what a
     * live run logs only with views ({@code val_tta_*}, {@code test_plain_*}).
     */
    @Test
    void pointsRunAsSparkTasksGiveTheLocalExecutorsNumbersAndAreRecordedOnce() throws IOException {
        RunnerMainAccess.Outcome spark = sweep("spark", "sweep.executor=spark", "sweep.spark.master=local[2]",
                "evaluation.tta=[flip]");
        RunnerMainAccess.Outcome local = sweep("local", "sweep.executor=local", "evaluation.tta=[flip]");

        assertEquals(0, spark.exit(), spark.out() + spark.err());
        assertEquals(0, local.exit(), local.err());
        Path sparkSweep = onlySweep(dir.resolve("spark"));
        Path localSweep = onlySweep(dir.resolve("local"));
        for (String point : List.of("point-01", "point-02")) {
            Path folder = sparkSweep.resolve(point);
            for (String file : List.of("metrics.json", "report.json", "confusion-matrix.png", "job.json", "spark.json")) {
                assertTrue(Files.isRegularFile(folder.resolve(file)), point + " lacks " + file);
            }
            JsonNode onSpark = JSON.readTree(folder.resolve("metrics.json").toFile()).get("summary");
            JsonNode onLocal = JSON.readTree(localSweep.resolve(point).resolve("metrics.json").toFile()).get("summary");
            for (String metric : List.of("val_accuracy", "val_loss", "test_accuracy", "test_loss", "test_macro_f1",
                    "val_tta_accuracy", "test_plain_accuracy")) {
                assertEquals(onLocal.get(metric).asDouble(), onSpark.get(metric).asDouble(), 0.0, point + " " + metric);
            }
            JsonNode job = JSON.readTree(folder.resolve("job.json").toFile());
            assertEquals(folder.toAbsolutePath().toString(), job.get("run_dir").asText(), "the job as the driver sent it");
            assertFalse(job.get("tracked_elsewhere").asBoolean());
        }
        assertTrue(Files.readString(sparkSweep.resolve("sweep.md")).contains("| 1 |"));

        List<LocalRunStore.LocalRun> runs = new LocalRunStore(dir.resolve("spark-mlruns")).runs();
        assertEquals(3, runs.size(), "the sweep and its two points, each once");
        LocalRunStore.LocalRun parent = runs.stream().filter(r -> "true".equals(r.tags().get("fmnist.sweep")))
                .findFirst().orElseThrow();
        for (LocalRunStore.LocalRun child : runs) {
            assertEquals(RunStatus.FINISHED, child.status());
            if (child != parent) {
                assertEquals(parent.runId(), child.tags().get("mlflow.parentRunId"));
                List<Long> steps = child.metrics().get("val_loss").stream().map(MetricPoint::step).toList();
                assertEquals(List.of(1L, 2L), steps, "each epoch recorded once");
                // Live: the epochs reached the record while the point trained, before its folder came back to the driver.
                long folderBack = Files.getLastModifiedTime(Path.of(child.tags().get("fmnist.run_folder"))
                        .resolve("metrics.json")).toMillis();
                for (MetricPoint epoch : child.metrics().get("val_loss")) {
                    assertTrue(epoch.timestamp() < folderBack, "epoch " + epoch.step() + " recorded at " + epoch.timestamp()
                            + ", the folder back at " + folderBack);
                }
                assertEquals(1, child.metrics().get("test_accuracy").size());
                assertTrue(child.artifacts().containsKey("report.json"), child.artifacts().keySet().toString());
            }
        }
        assertEquals(recordedMetrics(dir.resolve("local")), recordedMetrics(dir.resolve("spark")),
                "the driver records each point with the metrics, steps and values its live run logs");
    }

    /**
     * Successive halving on Spark, one point at a time, against the local executor: the same trial stopped after
     * epoch 1, the same one promoted and resumed on an executor from the folder the driver sends it, the same
     * numbers, and each trial recorded once by the driver with each epoch once and where the search left it.
     */
    @Test
    void aSuccessiveHalvingSearchOnSparkReachesTheLocalExecutorsDecisionsAndRecordsEachEpochOnce() throws IOException {
        String[] asha = {"sweep.search=asha", "sweep.asha.rungs=[1, 2]", "sweep.asha.reduction=2"};
        List<String> onSpark = new ArrayList<>(List.of(asha));
        onSpark.addAll(List.of("sweep.executor=spark", "sweep.spark.master=local[2]", "sweep.spark.parallelism=1"));
        RunnerMainAccess.Outcome spark = sweep("asha-spark", onSpark.toArray(String[]::new));
        RunnerMainAccess.Outcome local = sweep("asha-local", asha);

        assertEquals(0, spark.exit(), spark.out() + spark.err());
        assertEquals(0, local.exit(), local.err());
        JsonNode sparkPoints = JSON.readTree(onlySweep(dir.resolve("asha-spark")).resolve("sweep.json").toFile()).get("points");
        JsonNode localPoints = JSON.readTree(onlySweep(dir.resolve("asha-local")).resolve("sweep.json").toFile()).get("points");
        assertEquals(withoutTimings(localPoints), withoutTimings(sparkPoints));
        assertEquals(1, localPoints.get(1).get("stopped_after_epoch").asInt(), "one trial stopped: " + localPoints);
        assertTrue(spark.out().contains("(to its last epoch) (executor"), "the promotion ran as a task: " + spark.out());

        assertEquals(recordedMetrics(dir.resolve("asha-local")), recordedMetrics(dir.resolve("asha-spark")),
                "the driver records each trial with the metrics, steps and values its live run logs");
        List<LocalRunStore.LocalRun> runs = new LocalRunStore(dir.resolve("asha-spark-mlruns")).runs();
        assertEquals(3, runs.size(), "the search and its two trials, each once");
        Map<String, String> status = new TreeMap<>();
        runs.stream().filter(r -> r.tags().containsKey("fmnist.sweep_point"))
                .forEach(r -> status.put(r.tags().get("fmnist.sweep_point"), r.tags().get("fmnist.search.status")));
        assertEquals(List.of("finished", "stopped"), status.values().stream().sorted().toList(), status.toString());
    }

    /** A sweep's points, their values and metrics, less the timings. */
    private static String withoutTimings(JsonNode points) {
        List<String> kept = new ArrayList<>();
        for (JsonNode p : points) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = p.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("metrics")).remove(
                    List.of("seconds_per_epoch", "train_seconds"));
            kept.add(copy.toString());
        }
        return String.join("\n", kept);
    }

    /** Each point's logged metrics by run name: per key, its (step, value) pairs, or steps for timings. */
    private static Map<String, Map<String, List<List<Double>>>> recordedMetrics(Path out) throws IOException {
        Path store = out.resolveSibling(out.getFileName() + "-mlruns");
        Map<String, Map<String, List<List<Double>>>> byRun = new TreeMap<>();
        for (LocalRunStore.LocalRun run : new LocalRunStore(store).runs()) {
            if (!"true".equals(run.tags().get("fmnist.sweep"))) {
                Map<String, List<List<Double>>> metrics = new TreeMap<>();
                run.metrics().forEach((key, points) -> metrics.put(key,
                        points.stream().map(p -> TIMINGS.contains(key) ? List.of((double) p.step())
                                : List.of((double) p.step(), p.value())).toList()));
                byRun.put(run.runName(), metrics);
            }
        }
        return byRun;
    }

    @Test
    void aPointThatFailsIsReportedAndTheOthersFinish() throws IOException {
        RunnerMainAccess.Outcome o = sweep("spark", "sweep.executor=spark", "sweep.spark.master=local[2]",
                "--sweep", "model.type=dense,broken");

        assertEquals(1, o.exit(), o.out() + o.err());
        String table = Files.readString(onlySweep(dir.resolve("spark")).resolve("sweep.md"));
        assertEquals(2, table.lines().filter(l -> l.contains("failed: broken on purpose")).count(), table);
        assertEquals(2, table.lines().filter(l -> l.matches("\\| [12] \\|.*")).count(), table);
        List<LocalRunStore.LocalRun> runs = new LocalRunStore(dir.resolve("spark-mlruns")).runs();
        assertEquals(3, runs.size(), "the sweep and the two points that finished");
    }

    @Test
    void anUnreachableMasterIsBadInputWithinSeconds() {
        long start = System.nanoTime();
        RunnerMainAccess.Outcome o = sweep("spark", "sweep.executor=spark", "sweep.spark.master=spark://127.0.0.1:9");
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("spark://127.0.0.1:9") && o.err().contains("bin/loopback-cluster start"), o.err());
        assertTrue(seconds < 20, "took " + seconds + " s");
        assertFalse(o.err().contains("\tat "), o.err());
    }
}
