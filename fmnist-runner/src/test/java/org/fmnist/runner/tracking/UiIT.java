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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fmnist.mlflow.LocalMlflowUi;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./runner ui} as a user starts it: the real script, a real MLflow server, the runs in it. */
class UiIT {
    private static final ObjectMapper JSON = new ObjectMapper();

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
            while (!Files.readString(console).contains("MLflow UI: " + uri) && ui.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(Files.readString(console).contains("MLflow UI: " + uri), Files.readString(console));

            HttpClient http = HttpClient.newHttpClient();
            JsonNode experiment = JSON.readTree(http.send(HttpRequest.newBuilder(uri.resolve(
                    "/api/2.0/mlflow/experiments/get-by-name?experiment_name=baseline")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("experiment");
            JsonNode found = JSON.readTree(http.send(HttpRequest.newBuilder(uri.resolve("/api/2.0/mlflow/runs/search"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"experiment_ids\": [\"" + experiment.get("experiment_id").asText() + "\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("runs");
            assertEquals(1, found.size(), found.toString());
            boolean hasAccuracy = false;
            for (JsonNode metric : found.get(0).at("/data/metrics")) {
                if (metric.get("key").asText().equals("test_accuracy")) {
                    assertEquals(accuracy, metric.get("value").asDouble(), 1e-9);
                    hasAccuracy = true;
                }
            }
            assertTrue(hasAccuracy, found.toString());

            Process again = new ProcessBuilder(command).redirectErrorStream(true).start();
            String second = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(again.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, again.exitValue(), second);
            assertTrue(second.contains("MLflow UI already running: " + uri), second);

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
}
