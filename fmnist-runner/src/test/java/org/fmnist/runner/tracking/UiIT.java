package org.fmnist.runner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fmnist.mlflow.LocalMlflowUi;
import org.fmnist.mlflow.MlflowInstallation;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./runner ui} as a user starts it: the real script, a real MLflow server, the runs in it. */
class UiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kept after the test: docs/mlflow-ui.png and results/tools/mlflow/compare-runs.png are taken from here. */
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    @TempDir
    Path dir;

    @Test
    void theUiServesTheLocalRunsIsReusedAndStopsOnCtrlC() throws Exception {
        Path store = dir.resolve("mlruns");
        RunnerMainAccess.Outcome trained = RunnerMainAccess.run(Map.of(), "../experiments/baseline.yaml",
                "training.epochs=1", "data.train_limit=2000", "data.test_limit=300", "output.samples=0",
                "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + store);
        assertEquals(0, trained.exit(), trained.err());
        double accuracy;
        try (Stream<Path> runs = Files.list(dir.resolve("runs/baseline"))) {
            accuracy = JSON.readTree(runs.filter(RunFolder::isRun).findFirst().orElseThrow().resolve("metrics.json").toFile()).at("/test/accuracy")
                    .asDouble();
        }
        // A second idea to compare with: wider, and with a validation split (a third use of the data).
        RunnerMainAccess.Outcome wider = RunnerMainAccess.run(Map.of(), "../experiments/baseline.yaml",
                "training.epochs=1", "data.train_limit=2000", "data.test_limit=300", "output.samples=0", "model.hidden=64",
                "training.validation_split=0.1", "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + store);
        assertEquals(0, wider.exit(), wider.err());
        assertEquals(List.of("fashion-mnist test", "fashion-mnist train", "fashion-mnist validation"),
                readByMlflowsFileStore(store), "MLflow's own file store reads the local runs' data sets");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String[] command = {"../runner", "ui", "--port", Integer.toString(port), "--store", store.toString(), "--home",
                dir.resolve("home").toString()};
        Path console = dir.resolve("ui.txt");
        // A process started in the background by a non-interactive shell inherits SIGINT as ignored; env
        // gives the runner the default disposition back, as a terminal would.
        Process ui = new ProcessBuilder(Stream.concat(Stream.of("env", "--default-signal=INT"), Stream.of(command))
                .toArray(String[]::new)).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        URI uri = URI.create("http://127.0.0.1:" + port);
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
            while (!Files.readString(console).contains("MLflow UI: ") && ui.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            HttpClient http = HttpClient.newHttpClient();
            String experimentId = JSON.readTree(http.send(HttpRequest.newBuilder(uri.resolve(
                    "/api/2.0/mlflow/experiments/get-by-name?experiment_name=baseline")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).at("/experiment/experiment_id").asText();
            String view = uri + "/#/experiments/" + experimentId + "?workflowType=machine_learning";
            assertTrue(Files.readString(console).contains("MLflow UI: " + view + " "), Files.readString(console));

            JsonNode found = JSON.readTree(http.send(HttpRequest.newBuilder(uri.resolve("/api/2.0/mlflow/runs/search"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"experiment_ids\": [\"" + experimentId + "\"], \"order_by\": [\"start_time ASC\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("runs");
            assertEquals(2, found.size(), found.toString());
            boolean hasAccuracy = false;
            for (JsonNode metric : found.get(0).at("/data/metrics")) {
                if (metric.get("key").asText().equals("test_accuracy")) {
                    assertEquals(accuracy, metric.get("value").asDouble(), 1e-9);
                    hasAccuracy = true;
                }
            }
            assertTrue(hasAccuracy, found.toString());
            List<String> contexts = new ArrayList<>();
            for (JsonNode input : found.get(1).at("/inputs/dataset_inputs")) {
                contexts.add(input.at("/dataset/name").asText() + " " + input.at("/tags/0/value").asText());
            }
            assertEquals(List.of("fashion-mnist test", "fashion-mnist train", "fashion-mnist validation"),
                    contexts.stream().sorted().toList(), found.get(1).toString());

            // What a user sees: the printed page in a real browser lists both runs and what they read ...
            String runs = HeadlessChromium.render(URI.create(view), SCREENSHOTS.resolve("mlflow-ui.png"));
            for (JsonNode run : found) {
                assertTrue(runs.contains(run.at("/info/run_name").asText()), "the runs table lists " + run.at("/info/run_name"));
            }
            assertTrue(runs.contains("fashion-mnist"), "the Dataset column names the data");
            assertFalse(runs.contains("Evaluation runs"), "the Model training view, not the GenAI one");
            // ... and comparing the two shows the param that differs and the test accuracy of each.
            String compare = HeadlessChromium.render(URI.create(uri + "/#/compare-runs?runs=" + jsonList(found.get(0).at("/info/run_id")
                    .asText(), found.get(1).at("/info/run_id").asText()) + "&experiments=" + jsonList(experimentId)),
                    SCREENSHOTS.resolve("compare-runs.png"));
            assertTrue(compare.contains("model.hidden") && compare.contains("test_accuracy"), "the compare page");

            Process again = new ProcessBuilder(command).redirectErrorStream(true).start();
            String second = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(again.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, again.exitValue(), second);
            assertTrue(second.contains("MLflow UI already running: " + view), second);

            new ProcessBuilder("kill", "-INT", Long.toString(ui.pid())).start().waitFor();
            assertTrue(ui.waitFor(60, TimeUnit.SECONDS), "runner ui stops on Ctrl-C:\n" + Files.readString(console));
        } finally {
            ui.descendants().forEach(ProcessHandle::destroyForcibly);
            ui.destroyForcibly();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (LocalMlflowUi.portTaken(port) && System.nanoTime() < deadline) {
            Thread.sleep(100); // the server's processes exit after the runner: wait for its port, not for a time
        }
        assertFalse(LocalMlflowUi.portTaken(port), "the MLflow server stopped with it");
        assertFalse(Files.exists(dir.resolve("home/ui.json")));
    }

    /** A JSON list of strings as the MLflow UI's own links write it in their query: {@code %5B%22a%22%5D}. */
    private static String jsonList(String... items) {
        return java.net.URLEncoder.encode(JSON.valueToTree(List.of(items)).toString(), StandardCharsets.UTF_8);
    }

    /** The data sets of the store's runs as MLflow's own Python file store reads them: "NAME CONTEXT", sorted. */
    private static List<String> readByMlflowsFileStore(Path store) throws Exception {
        String python = MlflowInstallation.inUserCache(System.getenv()).ensure(System.err).python();
        ProcessBuilder reader = new ProcessBuilder(python, "-c", """
                import sys, mlflow
                client = mlflow.MlflowClient(sys.argv[1])
                runs = client.search_runs([client.get_experiment_by_name("baseline").experiment_id])
                uses = {d.dataset.name + " " + t.value for r in runs for d in r.inputs.dataset_inputs for t in d.tags
                        if t.key == "mlflow.data.context"}
                print("\\n".join(sorted(uses)))
                """, store.toUri().toString()).redirectErrorStream(true);
        // MLflow 3.17 reads a file store only when told that it is wanted.
        reader.environment().put("MLFLOW_ALLOW_FILE_STORE", "true");
        Process read = reader.start();
        String out = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(read.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, read.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("fashion-mnist")).toList();
    }
}
