package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.mlflow.LocalRunStore;
import org.fmnist.mlflow.RunReplicator;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.tracking.FailingSweepRecordTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps through the real command line, on a slice of the real data. */
class SweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private RunnerMainAccess.Outcome sweep(String out, String... more) {
        List<String> args = new ArrayList<>(List.of(RunnerEndToEndTest.BASELINE.toString(), "training.epochs=1",
                "data.train_limit=1500", "data.test_limit=300", "output.samples=0", "output.save_model=false",
                "output.dir=" + dir.resolve(out), "tracking.mlflow.store=" + dir.resolve(out + "-mlruns")));
        args.addAll(List.of(more));
        return RunnerMainAccess.run(Map.of(), args.toArray(String[]::new));
    }

    @Test
    void aSweepOverTheModelGroupComparesATypeAtItsDefaultsWithAPreset() throws IOException {
        RunnerMainAccess.Outcome o = sweep("groups", "--sweep", "model=dense,cnn-wide", "data.train_limit=300",
                "data.test_limit=100");

        assertEquals(0, o.exit(), o.out() + o.err());
        Path folder = onlyChild(dir.resolve("groups/baseline"));
        JsonNode points = JSON.readTree(folder.resolve("sweep.json").toFile()).get("points");
        assertEquals(2, points.size());
        for (JsonNode point : points) {
            String savedSpec = Files.readString(folder.resolve(point.get("folder").asText()).resolve("spec.yaml"));
            if (point.at("/values/model").asText().equals("cnn-wide")) {
                // The preset's own keys, not the compact CNN's defaults and not the baseline's dense keys.
                assertTrue(savedSpec.contains("type: cnn") && savedSpec.contains("filters1: 64") && savedSpec.contains("dense: 256")
                        && !savedSpec.contains("hidden:"), savedSpec);
            } else {
                assertTrue(savedSpec.contains("type: dense") && savedSpec.contains("hidden: 32"), savedSpec);
            }
        }
        assertTrue(Files.readString(folder.resolve("sweep.md")).contains("| rank | point | model |"));
    }

    @Test
    void aRandomSearchDrawsItsTrialsFromTheSpaceTheSameEachTime() throws IOException {
        String[] search = {"sweep.search=random", "sweep.trials=3", "data.train_limit=300", "data.test_limit=100",
                "sweep.space={training.learning_rate: {loguniform: [0.0005, 0.005]}, model.hidden: {int: [8, 32]}}"};
        RunnerMainAccess.Outcome first = sweep("random-1", search);
        RunnerMainAccess.Outcome again = sweep("random-2", search);

        assertEquals(0, first.exit(), first.out() + first.err());
        assertEquals(0, again.exit(), again.out() + again.err());
        JsonNode points = JSON.readTree(onlyChild(dir.resolve("random-1/baseline")).resolve("sweep.json").toFile()).get("points");
        JsonNode pointsAgain = JSON.readTree(onlyChild(dir.resolve("random-2/baseline")).resolve("sweep.json").toFile()).get("points");
        assertEquals(3, points.size());
        List<JsonNode> values = new ArrayList<>();
        List<JsonNode> valuesAgain = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode v = points.get(i).get("values");
            double lr = v.get("training.learning_rate").asDouble();
            int hidden = v.get("model.hidden").asInt();
            assertTrue(lr >= 0.0005 && lr <= 0.005 && hidden >= 8 && hidden <= 32, v.toString());
            values.add(v);
            valuesAgain.add(pointsAgain.get(i).get("values"));
        }
        values.sort(java.util.Comparator.comparing(JsonNode::toString));
        valuesAgain.sort(java.util.Comparator.comparing(JsonNode::toString));
        assertEquals(values, valuesAgain, "the same spec draws the same trials");
        assertTrue(Files.readString(onlyChild(dir.resolve("random-1/baseline")).resolve("sweep.md"))
                .contains("| rank | point | training.learning_rate | model.hidden |"));
    }

    /**
     * Successive halving over three points with rungs at epochs 1 and 2: after all three reach epoch 1, only
     * the best goes on, resuming its own folder; it ends with exactly the numbers of an uninterrupted two-epoch
     * run of the same point, and every trial is one record holding each epoch it trained once, labelled with
     * where the search left it.
     */
    @Test
    void successiveHalvingStopsAllButTheBestAndTheSurvivorEqualsAnUninterruptedRun() throws IOException {
        RunnerMainAccess.Outcome o = sweep("asha", "--sweep", "model.hidden=8,16,24", "sweep.search=asha",
                "sweep.asha.rungs=[1, 2]", "sweep.asha.reduction=3", "sweep.metric=val_accuracy",
                "training.validation_split=0.1", "data.train_limit=600", "data.test_limit=100");

        assertEquals(0, o.exit(), o.out() + o.err());
        Path folder = onlyChild(dir.resolve("asha/baseline"));
        JsonNode points = JSON.readTree(folder.resolve("sweep.json").toFile()).get("points");
        List<JsonNode> finished = new ArrayList<>();
        points.forEach(p -> {
            if (!p.has("stopped_after_epoch")) {
                finished.add(p);
            }
        });
        assertEquals(1, finished.size(), points.toString());
        JsonNode best = finished.get(0);
        for (JsonNode p : points) {
            if (p != best) {
                assertEquals(1, p.get("stopped_after_epoch").asInt());
                assertTrue(p.at("/metrics/val_accuracy").asDouble() <= valAccuracyAtEpoch1(folder, best), points.toString());
            }
        }
        String table = Files.readString(folder.resolve("sweep.md"));
        assertTrue(table.contains("| status |") && table.contains("stopped after epoch 1") && table.contains("finished"), table);
        assertTrue(o.out().contains("asha: point " + best.get("point").asInt() + " goes on to epoch 2"), o.out());

        Path pointFolder = folder.resolve(best.get("folder").asText());
        assertTrue(!Files.exists(pointFolder.resolve("checkpoint")), "a finished trial keeps no checkpoint");
        String[] pointCommand = shellWords(pointFolder.resolve("command.txt"));
        RunnerMainAccess.Outcome alone = RunnerMainAccess.run(Map.of(), pointCommand);
        assertEquals(0, alone.exit(), alone.err());
        Path aloneRun = Path.of(alone.out().lines().filter(l -> l.startsWith("run folder: ")).findFirst().orElseThrow().substring(12));
        JsonNode searched = JSON.readTree(pointFolder.resolve("metrics.json").toFile());
        JsonNode uninterrupted = JSON.readTree(aloneRun.resolve("metrics.json").toFile());
        assertEquals(2, uninterrupted.get("epochs").size());
        assertEquals(withoutEpochTimes(uninterrupted.get("epochs")), withoutEpochTimes(searched.get("epochs")),
                "paused after epoch 1 and resumed, the trial trained exactly as an uninterrupted run");
        assertEquals(uninterrupted.at("/test/accuracy").asDouble(), searched.at("/test/accuracy").asDouble(), 0.0);

        List<LocalRunStore.LocalRun> runs = new LocalRunStore(dir.resolve("asha-mlruns")).runs();
        List<LocalRunStore.LocalRun> trials = runs.stream().filter(r -> r.tags().containsKey("fmnist.sweep_point")).toList();
        assertEquals(3, trials.size(), "one record a trial, promoted or not");
        for (LocalRunStore.LocalRun trial : trials) {
            boolean survivor = trial.tags().get("fmnist.sweep_point").equals("model.hidden=" + best.at("/values/model.hidden").asText());
            assertEquals(survivor ? "finished" : "stopped", trial.tags().get("fmnist.search.status"), trial.tags().toString());
            assertEquals(survivor ? null : "1", trial.tags().get("fmnist.search.epochs"));
            assertEquals(RunStatus.FINISHED, trial.status());
            assertEquals(survivor ? List.of(1L, 2L) : List.of(1L),
                    trial.metrics().get("val_accuracy").stream().map(m -> m.step()).toList(), "each epoch recorded once");
        }
    }

    private static double valAccuracyAtEpoch1(Path sweepFolder, JsonNode point) throws IOException {
        return JSON.readTree(sweepFolder.resolve(point.get("folder").asText()).resolve("metrics.json").toFile())
                .at("/epochs/0/eval_accuracy").asDouble();
    }

    private static String withoutEpochTimes(JsonNode epochs) {
        List<String> kept = new ArrayList<>();
        for (JsonNode e : epochs) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = e.deepCopy();
            copy.remove(List.of("seconds", "samples_per_second"));
            kept.add(copy.toString());
        }
        return String.join("\n", kept);
    }

    @Test
    void aBadSpaceIsExitTwoWithEveryProblemBeforeAnythingTrains() {
        RunnerMainAccess.Outcome o = sweep("bad-space", "sweep.search=random", "sweep.trials=0",
                "sweep.space={training.learning_rate: {loguniform: [0, 0.005]}, model.hidden: {int: [32, 8], choice: [1]}}");

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("sweep.space.training.learning_rate.loguniform: is [0.0, 0.005]; it must be [lo, hi] with lo below"
                + " hi and above 0"), o.err());
        assertTrue(o.err().contains("sweep.space.model.hidden: is 2 distributions"), o.err());
        assertTrue(o.err().contains("sweep.trials: is 0; it must be at least 1 for a random search"), o.err());
        assertFalse(Files.exists(dir.resolve("bad-space")) || Files.exists(dir.resolve("bad-space-mlruns")), "nothing recorded");
    }

    @Test
    void everyPointIsAChildRunAndTheTableIsSortedByTheMetric() throws IOException {
        RunnerMainAccess.Outcome o = sweep("runs", "--sweep", "model.hidden=8,24", "--sweep", "training.learning_rate=0.001,0.003");

        assertEquals(0, o.exit(), o.out() + o.err());
        Path folder = onlyChild(dir.resolve("runs/baseline"));
        JsonNode table = JSON.readTree(folder.resolve("sweep.json").toFile());
        JsonNode points = table.get("points");
        assertEquals(4, points.size());
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i - 1).at("/metrics/test_accuracy").asDouble() >= points.get(i).at("/metrics/test_accuracy").asDouble(),
                    "best first: " + points);
        }
        JsonNode first = points.get(0);
        Path pointFolder = folder.resolve(first.get("folder").asText());
        JsonNode pointMetrics = JSON.readTree(pointFolder.resolve("metrics.json").toFile());
        assertEquals(pointMetrics.at("/test/accuracy").asDouble(), first.at("/metrics/test_accuracy").asDouble(), 1e-12);
        String savedSpec = Files.readString(pointFolder.resolve("spec.yaml"));
        assertTrue(savedSpec.contains("hidden: " + first.at("/values/model.hidden").asText()), savedSpec);
        assertTrue(savedSpec.contains("grid: {}"), "a point is saved as a single run, so rerunning it reruns that point");
        assertTrue(Files.readString(folder.resolve("sweep.md")).contains("| rank | point | model.hidden | training.learning_rate |"));

        List<LocalRunStore.LocalRun> runs = new LocalRunStore(dir.resolve("runs-mlruns")).runs();
        assertEquals(5, runs.size(), "one parent and four children");
        LocalRunStore.LocalRun parent = runs.stream().filter(r -> "true".equals(r.tags().get("fmnist.sweep"))).findFirst().orElseThrow();
        assertEquals(RunStatus.FINISHED, parent.status());
        assertEquals(first.at("/metrics/test_accuracy").asDouble(), parent.metrics().get("best_test_accuracy").get(0).value(), 1e-12);
        assertTrue(parent.artifacts().containsKey("sweep.md"));
        long children = runs.stream().filter(r -> parent.runId().equals(r.tags().get(RunReplicator.PARENT_RUN_ID_TAG))).count();
        assertEquals(4, children);

        String[] pointCommand = shellWords(pointFolder.resolve("command.txt"));
        assertTrue(pointCommand[pointCommand.length - 1].equals("--point=" + first.get("point").asInt()), String.join(" ", pointCommand));
        RunnerMainAccess.Outcome alone = RunnerMainAccess.run(Map.of(), pointCommand);
        assertEquals(0, alone.exit(), alone.err());
        assertTrue(!alone.out().contains("sweep:"), "--point runs that point as a single run");
        Path aloneRun = Path.of(alone.out().lines().filter(l -> l.startsWith("run folder: ")).findFirst().orElseThrow().substring(12));
        assertEquals(first.at("/metrics/test_accuracy").asDouble(),
                JSON.readTree(aloneRun.resolve("metrics.json").toFile()).at("/test/accuracy").asDouble(), 1e-12,
                "the point's own command reproduces it");
    }

    /**
     * The default output.dir is relative, and one may hold '..': the sweep's folder and its points' are
     * one normalized, absolute root, so its table is written and every path it prints is plain.
     */
    @Test
    void aSweepFinishesWithARelativeOutputDirHoldingDotDot() throws IOException {
        Path relative = Path.of("").toAbsolutePath().relativize(dir).resolve("elsewhere/../relative-runs");
        List<String> args = List.of(RunnerEndToEndTest.BASELINE.toString(), "training.epochs=1", "data.train_limit=1000",
                "data.test_limit=200", "output.samples=0", "output.save_model=false", "output.dir=" + relative,
                "tracking.mlflow.store=" + dir.resolve("relative-mlruns"), "--sweep", "model.hidden=8,16");
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), args.toArray(String[]::new));

        assertEquals(0, o.exit(), o.out() + o.err());
        Path folder = onlyChild(dir.resolve("relative-runs/baseline"));
        assertTrue(Files.isRegularFile(folder.resolve("sweep.md")) && Files.isRegularFile(folder.resolve("sweep.json")));
        assertEquals(folder.toRealPath(), dir.resolve("relative-runs/baseline/latest").toRealPath(), "latest is the sweep");
        assertFalse(o.out().contains("/../") || o.out().contains("/./"), "paths print normalized: " + o.out());
        assertTrue(o.out().contains("table in " + folder.toRealPath().resolve("sweep.md")), o.out());
        assertFalse(o.out().contains("baseline-sweep-sweep"), o.out());
    }

    /** A sweep whose own record fails at the end keeps its table, says so in one line, and exits 1. */
    @Test
    void theTableIsWrittenWhenTheSweepsOwnRecordFails() throws IOException {
        List<String> args = new ArrayList<>(List.of(RunnerEndToEndTest.BASELINE.toString(), "training.epochs=1",
                "data.train_limit=1000", "data.test_limit=200", "output.samples=0", "output.save_model=false",
                "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + dir.resolve("mlruns"),
                "tracking.type=[mlflow, fails-at-sweep-end]", "--sweep", "model.hidden=8,16"));
        RunnerMainAccess.Outcome o = RunnerMainAccess.runWith(Map.of(),
                new com.google.inject.Module[] {new FailingSweepRecordTracker.Module()}, args.toArray(String[]::new));

        assertEquals(ExitCode.FAILED, o.exit(), o.out() + o.err());
        JsonNode points = JSON.readTree(onlyChild(dir.resolve("runs/baseline")).resolve("sweep.json").toFile()).get("points");
        assertEquals(2, points.size(), "both points are in the table");
        assertTrue(o.err().contains("its table written") && o.err().contains("refused the sweep's folder"), o.err());
        assertFalse(o.err().contains("\tat "), "one line, no stack trace: " + o.err());
        List<org.fmnist.core.tracking.RunStatus> sweepRecord = new org.fmnist.mlflow.LocalRunStore(dir.resolve("mlruns"))
                .runs().stream().filter(r -> "true".equals(r.tags().get("fmnist.sweep"))).map(r -> r.status()).toList();
        assertEquals(List.of(org.fmnist.core.tracking.RunStatus.FAILED), sweepRecord, "the sweep's record is ended, not left running");
    }

    @Test
    void aFailedPointIsReportedAndTheOthersStillRun() throws IOException {
        // A model that breaks on its first gradient step fails at run time, not when the points are checked.
        com.google.inject.Module broken = binder -> org.fmnist.core.model.ModelRegistry.models(binder).addBinding("broken")
                .to(org.fmnist.runner.extension.BrokenModel.class);
        List<String> args = new ArrayList<>(List.of(RunnerEndToEndTest.BASELINE.toString(), "training.epochs=1",
                "data.train_limit=1500", "data.test_limit=300", "output.samples=0", "output.save_model=false",
                "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + dir.resolve("runs-mlruns"),
                "--sweep", "model.type=dense,broken,dense", "--sweep", "seed=1"));
        RunnerMainAccess.Outcome o = RunnerMainAccess.runWith(Map.of(), new com.google.inject.Module[] {broken},
                args.toArray(String[]::new));

        assertEquals(ExitCode.FAILED, o.exit(), o.out() + o.err());
        assertTrue(o.out().contains("point 2 (model.type=broken seed=1) failed") && o.out().contains("broken on purpose"), o.out());
        JsonNode points = JSON.readTree(onlyChild(dir.resolve("runs/baseline")).resolve("sweep.json").toFile()).get("points");
        assertEquals(3, points.size());
        assertNull(points.get(0).get("failure").textValue());
        assertNull(points.get(1).get("failure").textValue());
        assertEquals(2, points.get(2).get("point").asInt(), "the failed point is listed last");
        assertNotNull(points.get(2).get("failure").textValue());
    }

    @Test
    void pointsRunInParallelGiveTheSameNumbersAsOneAtATime() throws IOException {
        RunnerMainAccess.Outcome oneByOne = sweep("sequential", "--sweep", "model.hidden=8,16,24");
        RunnerMainAccess.Outcome together = sweep("parallel", "--sweep", "model.hidden=8,16,24", "sweep.parallel=2");

        assertEquals(0, oneByOne.exit(), oneByOne.err());
        assertEquals(0, together.exit(), together.err());
        assertTrue(together.out().contains("[2/3] == point 2 of 3"), "parallel points print with their number: " + together.out());
        JsonNode a = JSON.readTree(onlyChild(dir.resolve("sequential/baseline")).resolve("sweep.json").toFile()).get("points");
        JsonNode b = JSON.readTree(onlyChild(dir.resolve("parallel/baseline")).resolve("sweep.json").toFile()).get("points");
        assertEquals(withoutTimes(a), withoutTimes(b));
    }

    @Test
    void anUnknownMetricOrExecutorStopsTheSweepBeforeAnyPointTrains() {
        RunnerMainAccess.Outcome metric = sweep("runs", "--sweep", "model.hidden=8,16", "sweep.metric=accuracy");
        RunnerMainAccess.Outcome executor = sweep("runs", "--sweep", "model.hidden=8,16", "sweep.executor=spark");
        RunnerMainAccess.Outcome badOption = sweep("runs", "--sweep", "model.hidden");
        // A YAML flow grid, as the docs allow, over a key the dense model does not have.
        RunnerMainAccess.Outcome unknownKey = sweep("runs", "sweep.grid={model.dropout: [0.3, 0.5]}");
        RunnerMainAccess.Outcome badValue = sweep("runs", "--sweep", "model.hidden=16,0,8");

        assertEquals(2, metric.exit());
        assertTrue(metric.err().contains("sweep.metric") && metric.err().contains("test_accuracy"), metric.err());
        assertEquals(2, executor.exit());
        assertTrue(executor.err().contains("unknown sweep executor 'spark'") && executor.err().contains("local"), executor.err());
        assertEquals(2, badOption.exit());
        assertTrue(badOption.err().contains("--sweep model.hidden=32,64,128"), badOption.err());
        assertEquals(2, unknownKey.exit(), unknownKey.out() + unknownKey.err());
        assertTrue(unknownKey.err().contains("model.dropout") && unknownKey.err().contains("hidden"), unknownKey.err());
        assertEquals(2, badValue.exit(), badValue.out() + badValue.err());
        assertTrue(badValue.err().contains("model.hidden: is 0; it must be at least 1"), "a bad value stops the sweep at once: " + badValue.err());
        assertTrue(!Files.exists(dir.resolve("runs")), "nothing was trained");
    }

    /** The points' values and metrics, less the wall-clock ones, which no two runs share. */
    private static String withoutTimes(JsonNode points) {
        List<String> kept = new ArrayList<>();
        for (JsonNode p : points) {
            com.fasterxml.jackson.databind.node.ObjectNode metrics = p.get("metrics").deepCopy();
            metrics.remove(List.of("seconds_per_epoch", "train_seconds"));
            kept.add(p.get("values") + " " + metrics);
        }
        return String.join("\n", kept);
    }

    /** The runner's arguments in a {@code command.txt}, as bash reads them. */
    static String[] shellWords(Path commandTxt) throws IOException {
        String command = Files.readString(commandTxt).strip();
        assertTrue(command.startsWith("./runner "), command);
        Process bash = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + command.substring("./runner ".length())).start();
        String words = new String(bash.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            assertEquals(0, bash.waitFor());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return words.split("\0");
    }

    static Path onlyChild(Path parent) throws IOException {
        try (Stream<Path> children = Files.list(parent)) {
            List<Path> all = children.filter(RunFolder::isRun).toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }
}
