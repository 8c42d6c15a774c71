package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.train.EpochCheckpoint;
import org.fmnist.mlflow.LocalRunStore;
import org.fmnist.mlflow.MetricPoint;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.folder.Provenance;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.tracking.HoldingTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL in the middle of its second epoch, then {@code runner resume}d, ends
 * with exactly the numbers of a run that was never interrupted, in the same folder and MLflow run.
 * The run is held at epoch 2's first batch ({@link HoldingTracker}) and killed there, so the kill
 * lands mid-epoch on a machine of any speed.
 */
class ResumeAfterKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A small residual network (a ComputationGraph): two stages of one block each, 4 channels wide. */
    private static final String RESNET = """
            name: baseline
            model: {type: resnet, width: 4, stages: 2, blocks: 1}
            training: {batch_size: 64}
            data: {train_limit: 4000, test_limit: 500}
            """;

    private List<String> args(Path spec, String out, String store) {
        List<String> args = new ArrayList<>(List.of(spec.toString(), "training.epochs=3", "training.validation_split=0.1",
                "output.dir=" + dir.resolve(out), "tracking.mlflow.store=" + dir.resolve(store), "output.samples=0"));
        if (spec.equals(RunnerEndToEndTest.BASELINE)) {
            args.addAll(List.of("data.train_limit=6000", "data.test_limit=1000"));
        }
        return args;
    }

    @Test
    void aRunKilledMidEpochResumesToTheSameResultIntoTheSameRecords() throws Exception {
        Path run = killResumeAndCompare(RunnerEndToEndTest.BASELINE);

        assertEquals(0L, Provenance.read(run.resolve("provenance.json")).nativeMemoryLimitBytes(), "the killed runner "
                + "process trained the dense model without the native memory guard, and its epoch still matches the "
                + "guarded reference run in this JVM");
    }

    @Test
    void aResidualNetworkKilledMidEpochResumesToTheSameResultAndPredicts() throws Exception {
        Path run = killResumeAndCompare(Files.writeString(dir.resolve("resnet.yaml"), RESNET));
        assertEquals("resnet", JSON.readTree(run.resolve("metrics.json").toFile()).get("model").asText());

        RunnerMainAccess.Outcome predicted = RunnerMainAccess.run(Map.of(), "predict", "--model", run.toString(),
                "test:0", "test:1");
        assertEquals(0, predicted.exit(), predicted.err());
        assertEquals(2, predicted.out().lines().filter(l -> l.matches("test:[01]: .+ \\(\\d+\\.\\d%\\) - .+")).count(),
                predicted.out());
    }

    /**
     * Trains {@code spec} (named baseline) in a runner process, kills it with SIGKILL during epoch 2,
     * resumes it in this JVM and checks it against a run never interrupted; returns the resumed run's folder.
     */
    private Path killResumeAndCompare(Path spec) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), RunnerMain.class.getName()));
        command.addAll(args(spec, "runs", "mlruns"));
        Path held = dir.resolve("held");
        command.addAll(List.of("tracking.type=[mlflow, hold]", "tracking.hold.epoch=2", "tracking.hold.signal=" + held));
        Process training = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
        waitUntilHeld(training, held);
        training.destroyForcibly().waitFor();
        Path run = onlyRun(dir.resolve("runs/baseline"));
        Path checkpoints = run.resolve(ExperimentRun.CHECKPOINTS);

        assertEquals(Optional.of(1), EpochCheckpoint.latestEpoch(checkpoints), "killed during epoch 2, after epoch 1's checkpoint");
        assertFalse(Files.exists(run.resolve("metrics.json")));

        RunnerMainAccess.Outcome resumed = RunnerMainAccess.run(Map.of(), "resume", run.toString());
        RunnerMainAccess.Outcome whole = RunnerMainAccess.run(Map.of(), args(spec, "reference", "reference-mlruns")
                .toArray(String[]::new));

        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("resuming after epoch 1 of 3"), resumed.out());
        assertEquals(0, whole.exit(), whole.err());
        JsonNode after = JSON.readTree(run.resolve("metrics.json").toFile());
        JsonNode reference = JSON.readTree(onlyRun(dir.resolve("reference/baseline")).resolve("metrics.json").toFile());
        assertEquals(3, after.get("epochs").size());
        for (int e = 0; e < 3; e++) {
            for (String key : List.of("train_loss", "eval_loss", "eval_accuracy")) {
                assertEquals(reference.get("epochs").get(e).get(key).asDouble(), after.get("epochs").get(e).get(key).asDouble(),
                        1e-6, "epoch " + (e + 1) + " " + key);
            }
        }
        assertEquals(reference.at("/test/accuracy").asDouble(), after.at("/test/accuracy").asDouble(), 1e-9);
        assertEquals(reference.at("/test/loss").asDouble(), after.at("/test/loss").asDouble(), 1e-6);
        assertFalse(Files.exists(run.resolve(ExperimentRun.CHECKPOINTS)), "checkpoints are removed once the run is complete");
        assertEquals(1, Provenance.read(run.resolve("provenance.json")).resumed().size());

        List<LocalRunStore.LocalRun> tracked = new LocalRunStore(dir.resolve("mlruns")).runs();
        assertEquals(1, tracked.size(), "the resumed run went on in the same MLflow run");
        assertEquals(RunStatus.FINISHED, tracked.get(0).status());
        List<Long> steps = tracked.get(0).metrics().get("val_loss").stream().map(MetricPoint::step).toList();
        assertEquals(List.of(1L, 2L, 3L), steps, "each epoch recorded once");
        return run;
    }

    /**
     * A successive-halving search killed with SIGKILL in the middle of its promoted trial's third epoch, then
     * {@code runner resume SWEEP_FOLDER}: the trials that had stopped are not trained again, the killed one
     * goes on from its checkpoint, and the search ends with the table and records of one never interrupted.
     */
    @Test
    void aSearchKilledMidTrialResumesToTheUninterruptedSearchsTable() throws Exception {
        RunnerMainAccess.Outcome resumed = killSweepResumeAndCompare(List.of("--sweep", "model.hidden=8,16,24",
                "sweep.search=asha", "sweep.asha.rungs=[1, 3]", "sweep.asha.reduction=3", "sweep.metric=val_accuracy"), 3);

        assertTrue(resumed.out().contains("asha: resumed with 0 point(s) finished, 2 paused at a rung and 1 under way; 0 still to start"),
                resumed.out());
        assertEquals(1, resumed.out().lines().filter(l -> l.startsWith("== point")).count(), "only the killed trial trains: "
                + resumed.out());
        List<List<Long>> steps = new ArrayList<>();
        for (LocalRunStore.LocalRun run : new LocalRunStore(dir.resolve("mlruns")).runs()) {
            if (run.tags().containsKey("fmnist.sweep_point")) {
                steps.add(run.metrics().get("val_loss").stream().map(MetricPoint::step).toList());
            }
        }
        assertEquals(List.of(List.of(1L), List.of(1L), List.of(1L, 2L, 3L)),
                steps.stream().sorted(java.util.Comparator.comparingInt(List::size)).toList(), "each epoch recorded once");
    }

    /** A grid sweep killed in its first point's second epoch: that point goes on from its checkpoint, the next starts. */
    @Test
    void aGridSweepKilledMidPointResumesToTheUninterruptedSweepsTable() throws Exception {
        RunnerMainAccess.Outcome resumed = killSweepResumeAndCompare(List.of("--sweep", "model.hidden=8,16",
                "training.epochs=2"), 2);

        assertTrue(resumed.out().contains("resuming after epoch 1 of 2"), resumed.out());
        assertEquals(2, resumed.out().lines().filter(l -> l.startsWith("== point")).count(), resumed.out());
    }

    /**
     * Runs a sweep of the baseline with {@code sweepArgs} in a runner process, kills it with SIGKILL at the first
     * batch of epoch {@code killAt} of the first point to reach it, resumes the sweep's folder in this JVM, and
     * checks its table against the same sweep never interrupted and that every point is one record, FINISHED.
     */
    private RunnerMainAccess.Outcome killSweepResumeAndCompare(List<String> sweepArgs, int killAt) throws Exception {
        List<String> sweep = new ArrayList<>(List.of(RunnerEndToEndTest.BASELINE.toString(), "training.validation_split=0.1",
                "data.train_limit=3000", "data.test_limit=500", "output.samples=0", "output.save_model=false"));
        sweep.addAll(sweepArgs);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), RunnerMain.class.getName()));
        command.addAll(sweep);
        Path held = dir.resolve("held");
        command.addAll(List.of("output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + dir.resolve("mlruns"),
                "tracking.type=[mlflow, hold]", "tracking.hold.epoch=" + killAt, "tracking.hold.signal=" + held));
        Process sweeping = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
        waitUntilHeld(sweeping, held);
        sweeping.destroyForcibly().waitFor();
        Path folder = onlyRun(dir.resolve("runs/baseline"));
        assertFalse(Files.exists(folder.resolve("sweep.json")), "killed before its table");

        RunnerMainAccess.Outcome resumed = RunnerMainAccess.run(Map.of(), "resume", folder.toString());
        List<String> reference = new ArrayList<>(sweep);
        reference.addAll(List.of("output.dir=" + dir.resolve("reference"), "tracking.mlflow.store=" + dir.resolve("reference-mlruns")));
        RunnerMainAccess.Outcome whole = RunnerMainAccess.run(Map.of(), reference.toArray(String[]::new));

        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertEquals(0, whole.exit(), whole.err());
        assertEquals(pointsWithoutTimes(onlyRun(dir.resolve("reference/baseline"))), pointsWithoutTimes(folder));
        List<LocalRunStore.LocalRun> tracked = new LocalRunStore(dir.resolve("mlruns")).runs();
        assertEquals(new LocalRunStore(dir.resolve("reference-mlruns")).runs().size(), tracked.size(),
                "the sweep and each point recorded once");
        for (LocalRunStore.LocalRun run : tracked) {
            assertEquals(RunStatus.FINISHED, run.status(), run.runName());
        }
        RunnerMainAccess.Outcome again = RunnerMainAccess.run(Map.of(), "resume", folder.toString());
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("this sweep finished"), again.err());
        return resumed;
    }

    /** A sweep's points as its sweep.json gives them, less the times. */
    private static String pointsWithoutTimes(Path sweep) throws IOException {
        List<String> kept = new ArrayList<>();
        for (JsonNode p : JSON.readTree(sweep.resolve("sweep.json").toFile()).get("points")) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = p.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("metrics")).remove(List.of("seconds_per_epoch", "train_seconds"));
            kept.add(copy.toString());
        }
        return String.join("\n", kept);
    }

    @Test
    void aFinishedRunIsNotResumed() throws Exception {
        RunnerMainAccess.Outcome done = RunnerMainAccess.run(Map.of(), RunnerEndToEndTest.BASELINE.toString(), "training.epochs=1",
                "data.train_limit=500", "data.test_limit=100", "output.dir=" + dir.resolve("runs"), "tracking.type=none");
        Path run = onlyRun(dir.resolve("runs/baseline"));

        RunnerMainAccess.Outcome again = RunnerMainAccess.run(Map.of(), "resume", run.toString());
        RunnerMainAccess.Outcome notARun = RunnerMainAccess.run(Map.of(), "resume", dir.toString());

        assertEquals(0, done.exit(), done.err());
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("this run finished") && again.err().contains("rerun"), again.err());
        assertEquals(2, notARun.exit());
        assertTrue(notARun.err().contains("is not a run folder"), notARun.err());
    }

    /** Until the run in {@code training} holds at epoch 2 and says so in {@code signal}. */
    private void waitUntilHeld(Process training, Path signal) throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (!Files.exists(signal) || Files.readString(signal).isEmpty()) {
            if (!training.isAlive() || System.nanoTime() > deadline) {
                training.destroyForcibly();
                throw new AssertionError("the run never reached epoch 2: " + Files.readString(dir.resolve("killed.log")));
            }
            Thread.sleep(20);
        }
        assertEquals(training.pid(), Long.parseLong(Files.readString(signal).strip()), "the held run is the one started here");
    }

    private static Path onlyRun(Path experiment) throws IOException {
        try (Stream<Path> runs = Files.list(experiment)) {
            return runs.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
    }
}
