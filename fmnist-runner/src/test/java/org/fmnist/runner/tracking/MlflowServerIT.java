package org.fmnist.runner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.mlflow.LocalRunStore;
import org.fmnist.mlflow.MetricPoint;
import org.fmnist.mlflow.MlflowInstallation;
import org.fmnist.mlflow.MlflowServer;
import org.fmnist.mlflow.RunReplicator;
import org.fmnist.runner.RunnerMainAccess.Outcome;
import org.fmnist.runner.RunnerMainAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow tier: runs recorded in a real MLflow tracking server, read back through its REST API. */
class MlflowServerIT {
    static final String SPEC = "../experiments/baseline.yaml";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static MlflowServerProcess server;
    static MlflowRest rest;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        server = MlflowServerProcess.start(shared.resolve("server"), false);
        rest = new MlflowRest(server.uri(), null, null);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    static Outcome runner(Map<String, String> env, String... args) {
        return RunnerMainAccess.run(env, args);
    }

    private String[] slice(String experiment, String... more) {
        List<String> args = new ArrayList<>(List.of(SPEC, "data.train_limit=2000", "data.test_limit=500", "training.epochs=2",
                "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + dir.resolve("mlruns"), "tracking.mlflow.experiment=" + experiment));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aFullRunLandsWithParamsMetricsTagsAndArtifacts() throws Exception {
        Outcome o = runner(Map.of("MLFLOW_TRACKING_URI", server.uri().toString()), slice("full-run"));
        assertEquals(0, o.exit(), o.out() + o.err());

        List<JsonNode> runs = rest.runs("full-run");
        assertEquals(1, runs.size());
        JsonNode run = runs.get(0);
        assertEquals("FINISHED", run.get("info").get("status").asText());
        String id = run.get("info").get("run_id").asText();

        Map<String, String> params = MlflowRest.keyValues(run.get("data").get("params"));
        assertEquals("32", params.get("model.hidden"));
        assertEquals("2", params.get("training.epochs"));
        assertEquals("adam", params.get("training.optimizer"));
        Map<String, String> tags = MlflowRest.keyValues(run.get("data").get("tags"));
        assertTrue(tags.get("mlflow.runName").startsWith("baseline-"), tags.toString());
        assertEquals("dense", tags.get("fmnist.model_type"));
        assertEquals(12, tags.get("fmnist.spec_hash").length());
        assertEquals("LOCAL", tags.get("mlflow.source.type"));
        assertTrue(tags.get("mlflow.loggedArtifacts").contains("confusion_matrix.json"), tags.toString());

        List<double[]> loss = rest.history(id, "train_loss");
        assertEquals(2, loss.size());
        assertEquals(1.0, loss.get(0)[0]);
        assertEquals(2.0, loss.get(1)[0]);
        assertEquals(2, rest.history(id, "test_accuracy").size());
        assertEquals(2, rest.history(id, "samples_per_second").size());
        assertEquals(1, rest.history(id, "test_f1_shirt").size());
        assertEquals(1, rest.history(id, "test_macro_f1").size());

        Path runFolder = Path.of(tags.get("fmnist.run_folder"));
        JsonNode metrics = JSON.readTree(runFolder.resolve("metrics.json").toFile());
        assertEquals(metrics.get("test").get("per_class").get("shirt").get("f1").asDouble(),
                rest.history(id, "test_f1_shirt").get(0)[1], 1e-12);
        JsonNode table = JSON.readTree(rest.artifact(run, "confusion_matrix.json"));
        assertEquals(11, table.get("columns").size());
        assertEquals(10, table.get("data").size());
        assertEquals(Files.size(runFolder.resolve("confusion-matrix.png")), rest.artifact(run, "confusion-matrix.png").length);
        assertEquals(Files.readString(runFolder.resolve("spec.yaml")), new String(rest.artifact(run, "spec.yaml"), StandardCharsets.UTF_8));
        assertTrue(rest.artifact(run, "model.zip").length > 100_000);
    }

    @Test
    void aSweepsPointsAreChildrenOfItsRunOnTheServer() throws Exception {
        Outcome o = runner(Map.of("MLFLOW_TRACKING_URI", server.uri().toString()),
                slice("sweep", "training.epochs=1", "--sweep", "model.hidden=8,16"));
        assertEquals(0, o.exit(), o.out() + o.err());

        List<JsonNode> runs = rest.runs("sweep");
        assertEquals(3, runs.size());
        JsonNode parent = runs.stream().filter(r -> "true".equals(MlflowRest.keyValues(r.get("data").get("tags")).get("fmnist.sweep")))
                .findFirst().orElseThrow();
        String parentId = parent.get("info").get("run_id").asText();
        assertEquals("FINISHED", parent.get("info").get("status").asText());
        assertTrue(new String(rest.artifact(parent, "sweep.md"), StandardCharsets.UTF_8).contains("| model.hidden |"));
        List<String> childHidden = new ArrayList<>();
        for (JsonNode r : runs) {
            Map<String, String> tags = MlflowRest.keyValues(r.get("data").get("tags"));
            if (!r.equals(parent)) {
                assertEquals(parentId, tags.get("mlflow.parentRunId"), "the server's id of the parent, not the local one");
                childHidden.add(MlflowRest.keyValues(r.get("data").get("params")).get("model.hidden"));
            }
        }
        childHidden.sort(null);
        assertEquals(List.of("16", "8"), childHidden);
    }

    @Test
    void theLocalStoreIsReadByRealMlflowAndSyncsExactlyOnce() throws Exception {
        Outcome o = runner(Map.of(), slice("local-then-sync"));
        assertEquals(0, o.exit(), o.out() + o.err());
        assertTrue(o.out().contains("view it: ./runner ui --store " + dir.resolve("mlruns")), o.out());

        JsonNode read = readWithPythonMlflow(dir.resolve("mlruns"));
        assertEquals("local-then-sync", read.get("experiment").asText());
        assertEquals("FINISHED", read.get("status").asText());
        assertEquals(2, read.get("train_loss_steps").size());
        assertEquals("32", read.get("params").get("model.hidden").asText());
        assertTrue(read.get("metrics").has("test_f1_ankle_boot"));
        assertTrue(read.get("artifacts").toString().contains("confusion-matrix.png"));

        Outcome first = runner(Map.of(), "sync", "--tracking-uri", server.uri().toString(), "--store", dir.resolve("mlruns").toString());
        Outcome second = runner(Map.of(), "sync", "--tracking-uri", server.uri().toString(), "--store", dir.resolve("mlruns").toString());

        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("created"), first.out());
        java.util.regex.Matcher sentTags = java.util.regex.Pattern.compile("(\\d+) tags").matcher(first.out());
        assertTrue(sentTags.find() && Integer.parseInt(sentTags.group(1)) > 5,
                "the tags sent when the run was created count as sent: " + first.out());
        assertEquals(0, second.exit(), second.out() + second.err());
        assertTrue(second.out().contains("already complete"), second.out());
        List<JsonNode> runs = rest.runs("local-then-sync");
        assertEquals(1, runs.size(), "a second sync must not duplicate the run");
        String id = runs.get(0).get("info").get("run_id").asText();
        assertEquals(2, rest.history(id, "train_loss").size(), "no duplicated metric points");
        assertEquals("FINISHED", runs.get(0).get("info").get("status").asText());
        assertEquals(read.get("metrics").size(), runs.get(0).get("data").get("metrics").size());
    }

    @Test
    void aServerThatDiesMidRunLosesNothingAfterSync() throws Exception {
        MlflowServerProcess dying = MlflowServerProcess.start(dir.resolve("dying"), false);
        try {
            Path store = dir.resolve("mlruns");
            List<Outcome> result = new ArrayList<>();
            Thread training = new Thread(() -> result.add(runner(Map.of(), SPEC, "training.epochs=4", "data.test_limit=1000",
                    "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + store, "tracking.mlflow.experiment=dies-mid-run",
                    "tracking.mlflow.uri=" + dying.uri(), "output.save_model=false")));
            training.start();
            waitForMetricLines(store, "train_loss", 1);
            dying.kill();
            training.join();

            Outcome o = result.get(0);
            assertEquals(0, o.exit(), "training goes on without the server:\n" + o.out() + o.err());
            assertTrue(o.out().contains("./runner sync --tracking-uri " + dying.uri()), o.out());
            LocalRunStore.LocalRun local = new LocalRunStore(store).runs().get(0);
            assertEquals(RunStatus.FINISHED, local.status());
            assertEquals(4, local.metrics().get("train_loss").size(), "the local record is complete");

            dying.start();
            Outcome sync = runner(Map.of(), "sync", "--tracking-uri", dying.uri().toString(), "--store", store.toString());
            assertEquals(0, sync.exit(), sync.out() + sync.err());

            MlflowRest afterRestart = new MlflowRest(dying.uri(), null, null);
            List<JsonNode> runs = afterRestart.runs("dies-mid-run");
            assertEquals(1, runs.size(), "the run started live is completed, not duplicated");
            String id = runs.get(0).get("info").get("run_id").asText();
            for (Map.Entry<String, List<MetricPoint>> metric : local.metrics().entrySet()) {
                assertEquals(metric.getValue().size(), afterRestart.history(id, metric.getKey()).size(), metric.getKey());
            }
            assertEquals("FINISHED", runs.get(0).get("info").get("status").asText());
            assertEquals(local.artifacts().size(), countArtifacts(afterRestart, runs.get(0)));
        } finally {
            dying.close();
        }
    }

    @Test
    void anUnreachableServerAtStartKeepsTheRunLocally() throws Exception {
        MlflowServerProcess gone = MlflowServerProcess.start(dir.resolve("gone"), false);
        gone.kill();
        Outcome o = runner(Map.of("MLFLOW_TRACKING_URI", gone.uri().toString()), slice("unreachable"));

        assertEquals(0, o.exit(), o.out() + o.err());
        assertTrue(o.out().contains("not reachable") && o.out().contains("./runner sync"), o.out());
        LocalRunStore.LocalRun local = new LocalRunStore(dir.resolve("mlruns")).runs().get(0);
        assertEquals(RunStatus.FINISHED, local.status());
        assertEquals(2, local.metrics().get("test_accuracy").size());
    }

    @Test
    void batchesOverMlflowsRequestLimitsAllArrive() throws Exception {
        LocalRunStore.LocalRun local = new LocalRunStore(dir.resolve("mlruns")).createRun("limits", "many", "tester", 1000);
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < 250; i++) {
            params.put("p" + i, Integer.toString(i));
        }
        local.logParams(params);
        List<MetricPoint> points = new ArrayList<>();
        for (int step = 0; step < 2500; step++) {
            points.add(new MetricPoint("m", step * 0.5, 2000 + step, step));
        }
        local.logMetrics(points);
        local.finish(RunStatus.FINISHED, 9000);

        try (MlflowServer s = new MlflowServer(server.uri(), new MlflowServer.Credentials(null, null, null), MlflowServer.Limits.DEFAULT)) {
            RunReplicator.Outcome outcome = new RunReplicator(s, local).sync();
            assertEquals(250, outcome.params());
            assertEquals(2500, outcome.metrics());
            JsonNode run = rest.run(outcome.serverRunId());
            assertEquals(250, run.get("data").get("params").size());
            assertEquals(2500, rest.history(outcome.serverRunId(), "m").size());
            assertTrue(new RunReplicator(s, local).sync().sentNothing());
        }
    }

    private static int countArtifacts(MlflowRest rest, JsonNode run) throws Exception {
        JsonNode list = rest.get("/api/2.0/mlflow/artifacts/list", Map.of("run_id", run.get("info").get("run_id").asText()));
        return list.has("files") ? list.get("files").size() : 0;
    }

    private static void waitForMetricLines(Path store, String key, int lines) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(store)) {
                try (Stream<Path> files = Files.walk(store)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().equals(key)).toList()) {
                        if (Files.readAllLines(f).size() >= lines) {
                            return;
                        }
                    }
                } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException vanished) {
                    // The running job writes the store through temporary files renamed into place; one
                    // may vanish while the walk lists it. Look again.
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + key + " metric appeared in " + store);
    }

    /** Reads the store with the real mlflow Python package, not with fmnist's own reader. */
    static JsonNode readWithPythonMlflow(Path store) throws IOException, InterruptedException {
        String script = String.join("\n",
                "import json, sys",
                "from mlflow.tracking import MlflowClient",
                "c = MlflowClient(tracking_uri='file://' + sys.argv[1])",
                "exps = [e for e in c.search_experiments() if e.name != 'Default']",
                "r = c.search_runs([exps[0].experiment_id])[0]",
                "print(json.dumps({'experiment': exps[0].name, 'status': r.info.status, 'params': r.data.params,",
                "  'metrics': r.data.metrics, 'train_loss_steps': [m.step for m in c.get_metric_history(r.info.run_id, 'train_loss')],",
                "  'artifacts': [a.path for a in c.list_artifacts(r.info.run_id)]}))");
        ProcessBuilder pb = new ProcessBuilder(MlflowInstallation.inUserCache(System.getenv()).ensure(System.err).python(),
                "-c", script,
                store.toAbsolutePath().toString());
        pb.environment().put("MLFLOW_ALLOW_FILE_STORE", "true");
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python mlflow could not read the store: " + out);
        String last = out.lines().reduce((a, b) -> b).orElse("");
        assertFalse(last.isBlank(), out);
        return JSON.readTree(last);
    }
}
