package org.fmnist.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackingException;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow_project.apachehttp.client.config.RequestConfig;
import org.mlflow_project.apachehttp.impl.client.HttpClientBuilder;

/**
 * A connection to an MLflow tracking server through the MLflow Java client, with what the client
 * lacks: a timeout on every call, retries with back-off on 429, 5xx and I/O errors (and only
 * those), and artifact upload over the server's proxied artifact API, since the client's own
 * upload shells out to Python.
 */
public final class MlflowServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** MLflow's limits for one log-batch request. */
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_PARAMS_PER_BATCH = 100;
    static final int MAX_TAGS_PER_BATCH = 100;

    /** How long calls may take and how often they are tried. */
    public record Limits(Duration connectTimeout, Duration callTimeout, int attempts, Duration firstBackoff) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(30), 4, Duration.ofMillis(500));
    }

    /** Credentials from the standard MLflow variables; never logged or written anywhere. */
    public record Credentials(String username, String password, String token) {
        public static Credentials fromEnvironment(Map<String, String> env) {
            return new Credentials(env.get("MLFLOW_TRACKING_USERNAME"), env.get("MLFLOW_TRACKING_PASSWORD"),
                    env.get("MLFLOW_TRACKING_TOKEN"));
        }

        Optional<String> authorization() {
            if (token != null && !token.isBlank()) {
                return Optional.of("Bearer " + token);
            }
            if (username != null && !username.isBlank()) {
                String pair = username + ":" + (password == null ? "" : password);
                return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "Credentials[" + (token != null ? "token" : username != null ? "user " + username : "none") + "]";
        }
    }

    private final URI uri;
    private final Credentials credentials;
    private final Limits limits;
    private final MlflowClient client;
    private final HttpClient http;

    public MlflowServer(URI uri, Credentials credentials, Limits limits) {
        this.uri = URI.create(uri.toString().replaceAll("/+$", ""));
        this.credentials = credentials;
        this.limits = limits;
        BasicMlflowHostCreds creds = credentials.token() != null && !credentials.token().isBlank()
                ? new BasicMlflowHostCreds(this.uri.toString(), credentials.token())
                : new BasicMlflowHostCreds(this.uri.toString(), credentials.username(), credentials.password());
        this.client = new MlflowClient(creds);
        installTimeouts(client, limits);
        this.http = HttpClient.newBuilder().connectTimeout(limits.connectTimeout()).build();
    }

    public URI uri() {
        return uri;
    }

    /** Fails fast, with the reason, when the server is unreachable or refuses the credentials. */
    public void checkAccess() {
        call("reach the server", () -> client.searchExperiments(null, Service.ViewType.ACTIVE_ONLY, 1, List.of()));
    }

    /**
     * The id of the named experiment, created when missing. Looked up with a search filter: the
     * client's get-by-name treats the server's 404 for a missing experiment as worth retrying, and
     * sleeps before every new experiment.
     */
    public String experimentId(String name) {
        String filter = "name = '" + name.replace("\\", "\\\\").replace("'", "\\'") + "'";
        return call("find experiment " + name, () -> client.searchExperiments(filter, Service.ViewType.ACTIVE_ONLY, 1, List.of())
                .getItems().stream().filter(e -> e.getName().equals(name)).findFirst()
                .map(Service.Experiment::getExperimentId)
                .orElseGet(() -> client.createExperiment(name)));
    }

    /** The server run that holds the local run {@code localRunId}, if one was created before. */
    public Optional<Service.Run> findRun(String experimentId, String localRunId) {
        String filter = "tags.`" + RunReplicator.LOCAL_RUN_ID_TAG + "` = '" + localRunId + "'";
        return call("search runs", () -> client.searchRuns(List.of(experimentId), filter, Service.ViewType.ALL, 1).getItems())
                .stream().findFirst();
    }

    public Service.RunInfo createRun(String experimentId, String runName, long startMillis, String user,
                                     Map<String, String> tags) {
        Service.CreateRun.Builder request = Service.CreateRun.newBuilder().setExperimentId(experimentId)
                .setRunName(runName).setStartTime(startMillis).setUserId(user);
        tags.forEach((k, v) -> request.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
        return call("create a run", () -> client.createRun(request.build()));
    }

    public Service.Run run(String runId) {
        return call("read run " + runId, () -> client.getRun(runId));
    }

    public List<Service.Metric> metricHistory(String runId, String key) {
        return call("read metric " + key, () -> client.getMetricHistory(runId, key));
    }

    /** Logs params, tags and metrics, split into requests within MLflow's per-request limits. */
    public void logBatch(String runId, List<Service.Param> params, List<Service.RunTag> tags, List<Service.Metric> metrics) {
        for (List<Service.Param> chunk : chunks(params, MAX_PARAMS_PER_BATCH)) {
            call("log params", () -> {
                client.logBatch(runId, List.of(), chunk, List.of());
                return null;
            });
        }
        for (List<Service.RunTag> chunk : chunks(tags, MAX_TAGS_PER_BATCH)) {
            call("log tags", () -> {
                client.logBatch(runId, List.of(), List.of(), chunk);
                return null;
            });
        }
        for (List<Service.Metric> chunk : chunks(metrics, MAX_METRICS_PER_BATCH)) {
            call("log metrics", () -> {
                client.logBatch(runId, chunk, List.of(), List.of());
                return null;
            });
        }
    }

    /**
     * Artifact files the server holds for a run, with their sizes, walking folders. Asked through the
     * REST API's {@code artifacts/list}: the client's {@code listArtifacts} runs
     * {@code python -m mlflow.store.artifact.cli}, which fails wherever the {@code python} on the
     * user's PATH has no MLflow, as on a machine where only fmnist's own MLflow virtualenv has it.
     */
    public Map<String, Long> artifactSizes(String runId) {
        Map<String, Long> sizes = new java.util.TreeMap<>();
        java.util.Deque<String> folders = new java.util.ArrayDeque<>(List.of(""));
        while (!folders.isEmpty()) {
            String folder = folders.pop();
            String path = "artifacts/list?run_id=" + encode(runId) + (folder.isEmpty() ? "" : "&path=" + encode(folder));
            JsonNode listing = call("list artifacts", () -> JSON.readTree(client.sendGet(path)));
            for (JsonNode f : listing.path("files")) {
                if (f.path("is_dir").asBoolean()) {
                    folders.push(f.path("path").asText());
                } else {
                    sizes.put(f.path("path").asText(), f.path("file_size").asLong());
                }
            }
        }
        return sizes;
    }

    /**
     * Records data sets as the run's dataset inputs, through the REST API's {@code runs/log-inputs}
     * (the Java client has no call for it), each with its context tag.
     */
    public void logInputs(String runId, List<RunTracker.DataInput> inputs) {
        ObjectNode body = JSON.createObjectNode().put("run_id", runId);
        ArrayNode datasets = body.putArray("datasets");
        for (RunTracker.DataInput input : inputs) {
            ObjectNode use = datasets.addObject();
            use.putArray("tags").addObject().put("key", MlflowTags.DATASET_CONTEXT).put("value", input.context());
            use.putObject("dataset").put("name", input.name()).put("digest", input.digest())
                    .put("source_type", MlflowTags.DATASET_SOURCE_TYPE).put("source", MlflowTags.datasetSource(input.source()));
        }
        call("record the run's data sets", () -> client.sendPost("runs/log-inputs", body.toString()));
    }

    public void setTerminated(String runId, RunStatus status, long endMillis) {
        call("end the run", () -> {
            client.setTerminated(runId, Service.RunStatus.valueOf(status.name()), endMillis);
            return null;
        });
    }

    /**
     * Uploads {@code file} to the run's artifacts through {@code PUT /api/2.0/mlflow-artifacts/artifacts/...}.
     *
     * @param artifactUri the run's artifact URI, {@code mlflow-artifacts:/EXPERIMENT/RUN/artifacts}
     */
    public void putArtifact(String artifactUri, String artifactPath, Path file) {
        String checked = ArtifactPaths.checked(artifactPath);
        String prefix = "mlflow-artifacts:";
        if (!artifactUri.startsWith(prefix)) {
            throw new TrackingException("The server stores artifacts at " + artifactUri + ", which fmnist cannot upload to."
                    + " Fix: start the server with --artifacts-destination (proxied artifacts, the default)", false, null);
        }
        String location = artifactUri.substring(prefix.length()).replaceAll("^/+", "");
        URI target = URI.create(uri + "/api/2.0/mlflow-artifacts/artifacts/" + location + "/" + checked);
        call("upload " + checked, () -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(limits.callTimeout())
                    .PUT(HttpRequest.BodyPublishers.ofFile(file));
            credentials.authorization().ifPresent(a -> request.header("Authorization", a));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new MlflowHttpException(response.statusCode(), "PUT " + checked, response.body());
            }
            return null;
        });
    }

    /** A version of a model in MLflow's registry. */
    public record ModelVersion(String name, String version, String source, String runId) {}

    /**
     * Registers {@code source}, a file among run {@code runId}'s artifacts, as a new version of the
     * registered model {@code name}, which is created on first use.
     */
    public ModelVersion registerVersion(String name, String runId, String source) {
        String quotedName = JSON.valueToTree(name).toString();
        call("create registered model " + name, () -> {
            try {
                return client.sendPost("registered-models/create", "{\"name\": " + quotedName + "}");
            } catch (MlflowHttpException e) {
                if (e.getStatusCode() == 400 && String.valueOf(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS")) {
                    return null;
                }
                throw e;
            }
        });
        String body = JSON.createObjectNode().put("name", name).put("source", source).put("run_id", runId).toString();
        return call("create a version of model " + name, () -> versionOf(client.sendPost("model-versions/create", body)));
    }

    /** Points {@code alias} of model {@code name} at {@code version}. */
    public void setAlias(String name, String alias, String version) {
        String body = JSON.createObjectNode().put("name", name).put("alias", alias).put("version", version).toString();
        call("set alias " + alias + " of model " + name, () -> client.sendPost("registered-models/alias", body));
    }

    /**
     * A version of model {@code name}, by number or by alias.
     *
     * @throws TrackingException (not transient) naming the model and what the registry has instead
     *     when there is no such model, version or alias
     */
    public ModelVersion modelVersion(String name, String versionOrAlias, boolean isAlias) {
        String query = "name=" + encode(name) + (isAlias ? "&alias=" + encode(versionOrAlias) : "&version=" + encode(versionOrAlias));
        String path = (isAlias ? "registered-models/alias?" : "model-versions/get?") + query;
        String what = "model '" + name + "' " + (isAlias ? "alias @" : "version ") + versionOrAlias;
        try {
            return versionOf(client.sendGet(path));
        } catch (IOException e) {
            throw failure("read " + what, e, false);
        } catch (MlflowHttpException e) {
            String body = String.valueOf(e.getBodyMessage());
            // A missing model or version is a 404; a missing alias, a 400 that says "not found".
            if (e.getStatusCode() == 404 || body.contains("RESOURCE_DOES_NOT_EXIST") || body.contains("not found")) {
                throw new TrackingException("The MLflow registry at " + uri + " has no " + what + " (" + registered(name)
                        + "). Fix: register one with ./runner register RUN --name " + name
                        + ", or pick one the Models page of the MLflow UI lists.", false, e);
            }
            throw failure("read " + what, e, isTransient(e));
        } catch (MlflowClientException e) {
            throw failure("read " + what, e, isTransient(e));
        }
    }

    /** What the registry holds under {@code name}, for an error message. */
    private String registered(String name) {
        try {
            List<String> versions = new ArrayList<>();
            client.searchModelVersions("name = " + JSON.valueToTree(name).toString().replace('"', '\'')).getItems()
                    .forEach(v -> versions.add(v.getVersion()));
            return versions.isEmpty() ? "it has no model of that name" : "model '" + name + "' has versions "
                    + String.join(", ", versions.stream().sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList());
        } catch (MlflowClientException e) {
            return "its models could not be listed";
        }
    }

    private static ModelVersion versionOf(String response) throws IOException {
        JsonNode v = JSON.readTree(response).path("model_version");
        if (v.isMissingNode()) {
            throw new IOException("the server's answer holds no model_version: " + response);
        }
        return new ModelVersion(v.path("name").asText(), v.path("version").asText(), v.path("source").asText(),
                v.path("run_id").asText());
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Downloads an artifact the server proxies ({@code mlflow-artifacts:/...}) to {@code file}. */
    public void download(String artifactUri, Path file) {
        String prefix = "mlflow-artifacts:";
        if (!artifactUri.startsWith(prefix)) {
            throw new TrackingException("The model's source is " + artifactUri + ", which fmnist cannot download."
                    + " Fix: register it from a server started with --artifacts-destination (the default)", false, null);
        }
        URI source = URI.create(uri + "/api/2.0/mlflow-artifacts/artifacts/" + artifactUri.substring(prefix.length())
                .replaceAll("^/+", ""));
        call("download " + artifactUri, () -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(source).timeout(limits.callTimeout()).GET();
            credentials.authorization().ifPresent(a -> request.header("Authorization", a));
            HttpResponse<Path> response = http.send(request.build(), HttpResponse.BodyHandlers.ofFile(file));
            if (response.statusCode() / 100 != 2) {
                throw new MlflowHttpException(response.statusCode(), "GET " + artifactUri, Files.readString(file));
            }
            return null;
        });
    }

    /** Something to do against the server. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code call}, retrying transient failures (refused connections, timeouts, 429 and 5xx)
     * with exponential back-off, {@code limits.attempts()} tries in all; anything else fails at once.
     */
    <T> T call(String what, Call<T> call) {
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof Exception x && isTransient(x))
                .withMaxAttempts(limits.attempts())
                // Waits double from the first; the cap is above the last wait, so it never shortens one.
                .withBackoff(limits.firstBackoff(), limits.firstBackoff().multipliedBy(1L << Math.max(1, limits.attempts() - 1)))
                .build();
        try {
            return Failsafe.with(policy).get(call::run);
        } catch (FailsafeException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new TrackingException("Interrupted while trying to " + what, true, cause);
            }
            throw failure(what, (Exception) cause, isTransient((Exception) cause));
        } catch (MlflowClientException e) {
            throw failure(what, e, isTransient(e));
        }
    }

    static boolean isTransient(Exception e) {
        if (e instanceof MlflowHttpException h) {
            return h.getStatusCode() == 429 || h.getStatusCode() >= 500;
        }
        // The client wraps I/O failures (refused connections, timeouts) in MlflowClientException.
        return e instanceof IOException || e.getCause() instanceof IOException;
    }

    private TrackingException failure(String what, Exception e, boolean transientFailure) {
        if (e instanceof MlflowHttpException h && (h.getStatusCode() == 401 || h.getStatusCode() == 403)) {
            return new TrackingException("The MLflow server at " + uri + " refused the credentials (HTTP " + h.getStatusCode()
                    + ") when trying to " + what + ". Fix: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD,"
                    + " or MLFLOW_TRACKING_TOKEN, to an account that may write to it.", false, e);
        }
        String reason = e instanceof MlflowHttpException h ? "HTTP " + h.getStatusCode() + " " + firstLine(h.getBodyMessage())
                : rootMessage(e);
        return new TrackingException("Could not " + what + " on the MLflow server at " + uri + ": " + reason, transientFailure, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            chunks.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return chunks;
    }

    /**
     * The client builds an Apache HTTP client with no timeouts, so a server that accepts a
     * connection and never answers would hang the run. Its HTTP caller creates that client only
     * when none is set, so one with timeouts is put in its place (tested by {@code MlflowServerTest}).
     */
    private static void installTimeouts(MlflowClient client, Limits limits) {
        RequestConfig config = RequestConfig.custom()
                .setConnectTimeout((int) limits.connectTimeout().toMillis())
                .setConnectionRequestTimeout((int) limits.connectTimeout().toMillis())
                .setSocketTimeout((int) limits.callTimeout().toMillis())
                .build();
        try {
            Field callerField = MlflowClient.class.getDeclaredField("httpCaller");
            callerField.setAccessible(true);
            Object caller = callerField.get(client);
            Field httpField = caller.getClass().getDeclaredField("httpClient");
            httpField.setAccessible(true);
            httpField.set(caller, HttpClientBuilder.create().setDefaultRequestConfig(config).useSystemProperties().build());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("mlflow-client's internals changed; MlflowServer.installTimeouts needs updating", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
