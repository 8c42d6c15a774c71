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
