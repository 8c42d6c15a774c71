package org.fmnist.mlflow;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackerFactory;
import org.fmnist.core.tracking.TrackingException;
import org.fmnist.mlflow.LocalRunStore.LocalRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tracking.type: mlflow}: writes the run to the local MLflow store and, when a server is
 * configured ({@code tracking.mlflow.uri} or {@code MLFLOW_TRACKING_URI}), copies it there as it goes.
 * A server that cannot be reached, or stops answering, is reported once and then left alone:
 * training goes on, the local record stays complete, and {@code runner sync} sends it later.
 */
public final class MlflowTracker implements RunTracker {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowTracker.class);

    private final Parameters spec;
    private final Map<String, String> env;
    private final MlflowServer.Limits limits;
    private LocalRun run;
    private RunReplicator replicator;
    private URI serverUri;
    private String serverFailure;
    private RunReplicator.Outcome lastOutcome;
    private boolean finished;
    /** "key@step" of the points a resumed run had recorded before it stopped. */
    private Set<String> recordedBefore = Set.of();

    /**
     * The keys under {@code tracking.mlflow}.
     *
     * @param uri the server; null: MLFLOW_TRACKING_URI; neither: the local store only
     */
    public record Parameters(
            @JsonPropertyDescription("MLflow tracking server URL; unset: MLFLOW_TRACKING_URI; neither: local store only. Credentials go in MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN, never here.")
            String uri,
            @JsonPropertyDescription("Experiment the run is filed under; unset: MLFLOW_EXPERIMENT_NAME, else the spec's name.")
            String experiment,
            @JsonPropertyDescription("Folder of the local MLflow file store every run is written to (and synced from).")
            String store) {
        private static final Pattern USERINFO = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@]*@");

        public Parameters {
            store = store == null || store.isBlank() ? "mlruns" : store;
            if (uri != null && USERINFO.matcher(uri).find()) {
                throw new IllegalArgumentException("tracking.mlflow.uri holds credentials, which would end up in logs and"
                        + " saved specs; remove them from the URL and set MLFLOW_TRACKING_USERNAME and"
                        + " MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)");
            }
        }
    }

    /** Registered as {@code mlflow}; MLflow's server settings may come from the environment. */
    static final class Factory implements TrackerFactory<Parameters> {
        private final Map<String, String> env;

        @Inject
        Factory(Invocation invocation) {
            this.env = invocation.environment();
        }

        @Override
        public String description() {
            return "the local MLflow store (tracking.mlflow.store), copied live to a server when tracking.mlflow.uri or MLFLOW_TRACKING_URI names one";
        }

        @Override
        public Class<Parameters> parametersType() {
            return Parameters.class;
        }

        @Override
        public RunTracker create(Parameters parameters) {
            return new MlflowTracker(parameters, env, MlflowServer.Limits.DEFAULT);
        }
    }

    MlflowTracker(Parameters spec, Map<String, String> env, MlflowServer.Limits limits) {
        this.spec = spec;
        this.env = env;
        this.limits = limits;
    }

    /** The server URI from the spec or {@code MLFLOW_TRACKING_URI}; empty for local-only tracking. */
    public static Optional<URI> serverUri(Parameters spec, Map<String, String> env) {
        String uri = spec.uri() != null && !spec.uri().isBlank() ? spec.uri() : env.get("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank() || uri.startsWith("file:") || !uri.contains("://")) {
            return Optional.empty();
        }
        return Optional.of(URI.create(uri));
    }

    /** The experiment: {@code tracking.mlflow.experiment}, else {@code MLFLOW_EXPERIMENT_NAME}, else the spec's name. */
    static String experiment(Parameters spec, Map<String, String> env, String specName) {
        if (spec.experiment() != null && !spec.experiment().isBlank()) {
            return spec.experiment();
        }
        String fromEnv = env.get("MLFLOW_EXPERIMENT_NAME");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : specName;
    }

    @Override
    public synchronized String start(RunDescription description) {
        Optional<URI> uri = serverUri(spec, env);
        MlflowServer server = null;
        if (uri.isPresent()) {
            serverUri = uri.get();
            server = new MlflowServer(serverUri, MlflowServer.Credentials.fromEnvironment(env), limits);
            try {
                server.checkAccess();
            } catch (TrackingException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                serverFailure = e.getMessage();
                server = null;
            }
        }
        LocalRunStore store = new LocalRunStore(Path.of(spec.store()));
        String experiment = experiment(spec, env, description.specName());
        Map<String, String> tags = MlflowTags.of(description);
        if (description.resumeRunId() == null) {
            run = store.createRun(experiment, description.runName(), tags.get(MlflowTags.USER), description.startMillis());
        } else {
            run = store.run(description.resumeRunId()).orElseThrow(() -> new TrackingException("The MLflow run "
                    + description.resumeRunId() + " this run was recorded in is not in the local store " + store.root()
                    + ". Fix: resume from the directory the run started in, or set tracking.mlflow.store to the store it used.",
                    false, null));
            run.reopen();
            Set<String> recorded = new HashSet<>();
            run.metrics().forEach((key, points) -> points.forEach(p -> recorded.add(key + "@" + p.step())));
            recordedBefore = recorded;
        }
        run.setTags(tags);
        run.logParams(description.params());
        run.logInputs(description.data());
        String where = "tracking: MLflow run " + run.runId() + " in experiment '" + experiment
                + "', local store " + run.dir();
        if (server != null) {
            replicator = new RunReplicator(server, run);
            push();
        }
        if (serverUri == null) {
            return where + "\n  view it: ./runner ui" + storeOption();
        }
        if (serverFailure != null) {
            return where + "\n  the MLflow server is not reachable, so the run is kept locally: " + serverFailure;
        }
        return where + "\n  copied live to " + serverUri + " (server run " + serverRunIdOrPending() + ")";
    }

    /** The {@code --store} a command needs to find this run's store, none for the default one. */
    private String storeOption() {
        return spec.store().equals("mlruns") ? "" : " --store " + spec.store();
    }

    private String serverRunIdOrPending() {
        return lastOutcome == null ? "pending" : lastOutcome.serverRunId();
    }

    @Override
    public synchronized String runId() {
        return run == null ? null : run.runId();
    }

    @Override
    public synchronized void logMetrics(Map<String, Double> metrics, long step) {
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>();
        metrics.forEach((k, v) -> {
            if (!recordedBefore.contains(k + "@" + step)) {
                points.add(new MetricPoint(k, v, now, step));
            }
        });
        run.logMetrics(points);
        push();
    }

    @Override
    public synchronized void setLabels(Map<String, String> labels) {
        run.setTags(labels);
        push();
    }

    @Override
    public synchronized void logArtifacts(Path runFolder, Map<String, String> tables) {
        try (Stream<Path> files = Files.list(runFolder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                if (!f.getFileName().toString().startsWith(".")) {
                    run.addArtifact(f, f.getFileName().toString());
                }
            }
            MlflowOnnxModel.addTo(run, runFolder);
            Path tmp = Files.createTempDirectory("fmnist-tables");
            List<String> logged = new ArrayList<>();
            for (Map.Entry<String, String> table : tables.entrySet()) {
                Path file = Files.writeString(tmp.resolve(table.getKey()), table.getValue(), StandardCharsets.UTF_8);
                run.addArtifact(file, table.getKey());
                Files.delete(file);
                logged.add("{\"path\": \"" + table.getKey() + "\", \"type\": \"table\"}");
            }
            Files.delete(tmp);
            if (!logged.isEmpty()) {
                run.setTags(Map.of("mlflow.loggedArtifacts", "[" + String.join(", ", logged) + "]"));
            }
        } catch (IOException e) {
            throw LocalRunStore.storeFailure(runFolder, e);
        }
        push();
    }

    @Override
    public synchronized List<String> finish(RunStatus status) {
        if (finished || run == null) {
            return List.of();
        }
        finished = true;
        run.finish(status, System.currentTimeMillis());
        push();
        List<String> lines = new ArrayList<>();
        if (serverFailure != null) {
            lines.add("MLflow server " + (serverUri == null ? "" : serverUri + " ") + "was not reachable: " + serverFailure);
            lines.add("The run is complete in the local store " + run.dir() + ". Send it with:");
            lines.add("  ./runner sync --tracking-uri " + serverUri + storeOption());
        } else if (lastOutcome != null) {
            lines.add("MLflow: run " + lastOutcome.serverRunId() + " on " + serverUri + " ended " + status);
        }
        return lines;
    }

    /** Copies what the server lacks; after the first failure, stops trying until {@code runner sync}. */
    private void push() {
        if (replicator == null || serverFailure != null) {
            return;
        }
        try {
            lastOutcome = replicator.sync();
        } catch (TrackingException | IllegalArgumentException e) {
            serverFailure = e.getMessage();
            LOG.warn("MLflow server stopped answering; recording locally only from now on: {}", e.getMessage());
        }
    }

    /** The local run, for tests and the console. */
    LocalRun localRun() {
        return run;
    }

}
