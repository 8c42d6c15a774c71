package org.fmnist.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunStoreTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReadsBackARun() throws IOException {
        LocalRunStore store = new LocalRunStore(dir.resolve("mlruns"));
        LocalRunStore.LocalRun run = store.createRun("exp", "run-1", "alice", 1000);
        run.logParams(Map.of("model.hidden", "32"));
        run.setTags(Map.of("mlflow.user", "alice"));
        run.logMetrics(List.of(new MetricPoint("loss", 0.5, 1100, 1), new MetricPoint("loss", 0.25, 1200, 2)));
        run.addArtifact(Files.writeString(dir.resolve("a.txt"), "hello"), "reports/a.txt");

        LocalRunStore.LocalRun read = new LocalRunStore(dir.resolve("mlruns")).run(run.runId()).orElseThrow();
        assertEquals("exp", read.experimentName());
        assertEquals("run-1", read.runName());
        assertEquals(RunStatus.RUNNING, read.status());
        assertNull(read.endTime());
        assertEquals(Map.of("model.hidden", "32"), read.params());
        assertEquals(List.of(new MetricPoint("loss", 0.5, 1100, 1), new MetricPoint("loss", 0.25, 1200, 2)), read.metrics().get("loss"));
        assertEquals("hello", Files.readString(read.artifacts().get("reports/a.txt")));

        run.finish(RunStatus.FINISHED, 2000);
        assertEquals(RunStatus.FINISHED, read.status());
        assertEquals(2000L, read.endTime());
    }

    @Test
    void dataSetsAreRecordedOnceForEachUseAndSharedByTheExperimentsRuns() {
        LocalRunStore store = new LocalRunStore(dir);
        RunTracker.DataInput train = new RunTracker.DataInput("fashion-mnist", "0123456789", "file:///data/", "train");
        RunTracker.DataInput test = new RunTracker.DataInput("fashion-mnist", "abcdef0123", "file:///data/", "test");
        LocalRunStore.LocalRun a = store.createRun("exp", "a", "u", 1);
        LocalRunStore.LocalRun b = store.createRun("exp", "b", "u", 2);

        a.logInputs(List.of(train, test));
        a.logInputs(List.of(train)); // a resumed run records its data again
        b.logInputs(List.of(train));

        assertEquals(Set.of(train, test), Set.copyOf(a.inputs()));
        assertEquals(2, a.inputs().size());
        assertEquals(List.of(train), b.inputs());
        assertEquals(2, a.dir().getParent().resolve("datasets").toFile().list().length, "one folder a data set, as MLflow keeps them");
    }

    @Test
    void runsOfOneExperimentShareItAndDefaultExists() {
        LocalRunStore store = new LocalRunStore(dir);
        LocalRunStore.LocalRun a = store.createRun("exp", "a", "u", 1);
        LocalRunStore.LocalRun b = store.createRun("exp", "b", "u", 2);
        LocalRunStore.LocalRun c = store.createRun("other", "c", "u", 3);

        assertEquals(a.dir().getParent(), b.dir().getParent());
        assertNotEquals(a.dir().getParent(), c.dir().getParent());
        assertTrue(Files.isRegularFile(dir.resolve("0").resolve("meta.yaml")), "MLflow's Default experiment");
        assertEquals(List.of("a", "b", "c"), store.runs().stream().map(LocalRunStore.LocalRun::runName).toList());
    }

    @Test
    void trackerWithoutAServerRecordsLocallyAndFinishesOnce() {
        MlflowTracker.Parameters spec = new MlflowTracker.Parameters(null, null, dir.resolve("mlruns").toString());
        MlflowTracker tracker = new MlflowTracker(spec, Map.of(), MlflowServer.Limits.DEFAULT);

        String where = tracker.start(new RunTracker.RunDescription("exp", "run", "exp.yaml", null, null, null, Map.of("a", "1"), Map.of("t", "v"), List.of(), 5, null));
        tracker.logMetrics(Map.of("train_loss", 0.3), 1);
        List<String> first = tracker.finish(RunStatus.KILLED);
        List<String> second = tracker.finish(RunStatus.FINISHED);

        assertTrue(where.endsWith("view it: ./runner ui --store " + dir.resolve("mlruns")), "fmnist's own UI, on this store: " + where);
        assertEquals(List.of(), second);
        assertTrue(first.isEmpty(), first.toString());
        LocalRunStore.LocalRun run = tracker.localRun();
        assertEquals(RunStatus.KILLED, run.status(), "the first status given is kept");
        assertEquals(1, run.metrics().get("train_loss").size());
    }

    @Test
    void serverAndExperimentComeFromSpecThenEnvironment() {
        MlflowTracker.Parameters none = new MlflowTracker.Parameters(null, null, "mlruns");
        MlflowTracker.Parameters given = new MlflowTracker.Parameters("http://spec:1", "from-spec", "mlruns");
        Map<String, String> env = Map.of("MLFLOW_TRACKING_URI", "http://env:2", "MLFLOW_EXPERIMENT_NAME", "from-env");

        assertEquals("http://spec:1", MlflowTracker.serverUri(given, env).orElseThrow().toString());
        assertEquals("http://env:2", MlflowTracker.serverUri(none, env).orElseThrow().toString());
        assertTrue(MlflowTracker.serverUri(none, Map.of()).isEmpty());
        assertTrue(MlflowTracker.serverUri(none, Map.of("MLFLOW_TRACKING_URI", "file:///x/mlruns")).isEmpty());
        assertEquals("from-spec", MlflowTracker.experiment(given, env, "name"));
        assertEquals("from-env", MlflowTracker.experiment(none, env, "name"));
        assertEquals("name", MlflowTracker.experiment(none, Map.of(), "name"));
    }
}
