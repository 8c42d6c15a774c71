package org.fmnist.runner.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a tracking server through its REST API alone: the tests check what the server holds without
 * trusting the code under test to read it back.
 */
public final class MlflowRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public MlflowRest(URI base, String user, String password) {
        this.base = base;
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    JsonNode get(String path, Map<String, String> query) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path + q)).GET()));
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))));
    }

    String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Every run of every experiment named {@code experiment}. */
    public List<JsonNode> runs(String experiment) throws IOException, InterruptedException {
        JsonNode exp = get("/api/2.0/mlflow/experiments/get-by-name", Map.of("experiment_name", experiment));
        String id = exp.get("experiment").get("experiment_id").asText();
        JsonNode found = post("/api/2.0/mlflow/runs/search", Map.of("experiment_ids", List.of(id), "max_results", 1000));
        List<JsonNode> runs = new ArrayList<>();
        if (found.has("runs")) {
            found.get("runs").forEach(runs::add);
        }
        return runs;
    }

    JsonNode run(String runId) throws IOException, InterruptedException {
        return get("/api/2.0/mlflow/runs/get", Map.of("run_id", runId)).get("run");
    }

    /** (step, value) pairs of a metric's history, in step order. */
    public List<double[]> history(String runId, String key) throws IOException, InterruptedException {
        JsonNode h = get("/api/2.0/mlflow/metrics/get-history", Map.of("run_id", runId, "metric_key", key, "max_results", "25000"));
        List<double[]> points = new ArrayList<>();
        if (h.has("metrics")) {
            h.get("metrics").forEach(m -> points.add(new double[] {m.get("step").asDouble(), m.get("value").asDouble()}));
        }
        points.sort((a, b) -> Double.compare(a[0], b[0]));
        return points;
    }

    /** The artifact at {@code path} of a run whose artifact URI is mlflow-artifacts:/... */
    byte[] artifact(JsonNode run, String path) throws IOException, InterruptedException {
        String location = run.get("info").get("artifact_uri").asText().substring("mlflow-artifacts:".length()).replaceAll("^/+", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/2.0/mlflow-artifacts/artifacts/" + location + "/" + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " for artifact " + path);
        }
        return r.body();
    }

    public static Map<String, String> keyValues(JsonNode array) {
        Map<String, String> map = new HashMap<>();
        if (array != null) {
            array.forEach(e -> map.put(e.get("key").asText(), e.get("value").asText()));
        }
        return map;
    }
}
