package org.fmnist.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.mlflow.LocalRunStore.LocalRun;
import org.mlflow.api.proto.Service;

/**
 * Copies a local run to the server: whatever params, tags, data sets, metric points and artifacts the server's
 * copy lacks, then its final status. It finds an earlier copy by the {@value #LOCAL_RUN_ID_TAG} tag
 * and compares point by point, so syncing twice sends nothing the second time, and a run cut off
 * mid-way is completed rather than duplicated. One replicator follows one local run; it remembers
 * what it sent so that a live run does not re-read the server after every epoch.
 */
public final class RunReplicator {
    /** Tag on the server's copy naming the local run it came from. */
    public static final String LOCAL_RUN_ID_TAG = "fmnist.local_run_id";
    /** MLflow's tag that nests a run under another, as a sweep's points under the sweep. */
    public static final String PARENT_RUN_ID_TAG = MlflowTags.PARENT_RUN_ID;

    private final MlflowServer server;
    private final LocalRun run;
    private String serverRunId;
    private String experimentId;
    private String artifactUri;
    private RunStatus serverStatus;
    /** The server's copy was created by this replicator, so it holds only what was sent from here. */
    private boolean createdHere;
    private final Map<String, String> serverParams = new HashMap<>();
    private final Map<String, String> serverTags = new HashMap<>();
    private final Map<String, Set<MetricPoint>> serverMetrics = new HashMap<>();
    private final Map<String, String> uploaded = new HashMap<>();
    /** The server's dataset inputs, as name, digest and context. */
    private final Set<RunTracker.DataInput> serverInputs = new HashSet<>();

    /** What one sync sent. */
    public record Outcome(String serverRunId, boolean created, int params, int tags, int inputs, int metrics, int artifacts,
                          boolean ended) {
        public boolean sentNothing() {
            return !created && params == 0 && tags == 0 && inputs == 0 && metrics == 0 && artifacts == 0 && !ended;
        }
    }

    public RunReplicator(MlflowServer server, LocalRun run) {
        this.server = server;
        this.run = run;
    }

    public Outcome sync() {
        boolean created = false;
        // Tags sent with the run's creation count as sent too, not only those of the batch below.
        int sentWithCreation = 0;
        if (serverRunId == null) {
            created = attach();
            sentWithCreation = created ? serverTags.size() : 0;
        }
        List<Service.Param> params = new ArrayList<>();
        run.params().forEach((k, v) -> {
            if (!serverParams.containsKey(k)) {
                params.add(Service.Param.newBuilder().setKey(k).setValue(v).build());
            }
        });
        List<Service.RunTag> tags = new ArrayList<>();
        serverSide(run.tags()).forEach((k, v) -> {
            if (!Objects.equals(serverTags.get(k), v)) {
                tags.add(Service.RunTag.newBuilder().setKey(k).setValue(v).build());
            }
        });
        List<Service.Metric> metrics = new ArrayList<>();
        List<MetricPoint> metricPoints = new ArrayList<>();
        run.metrics().forEach((key, points) -> {
            Set<MetricPoint> known = serverMetrics.computeIfAbsent(key, this::history);
            for (MetricPoint p : points) {
                if (!known.contains(p)) {
                    metricPoints.add(p);
                    metrics.add(Service.Metric.newBuilder().setKey(key).setValue(p.value()).setTimestamp(p.timestamp())
                            .setStep(p.step()).build());
                }
            }
        });
        List<RunTracker.DataInput> inputs = run.inputs().stream().filter(i -> !serverInputs.contains(withoutSource(i))).toList();
        if (!inputs.isEmpty()) {
            server.logInputs(serverRunId, inputs);
            inputs.forEach(i -> serverInputs.add(withoutSource(i)));
        }
        server.logBatch(serverRunId, params, tags, metrics);
        params.forEach(p -> serverParams.put(p.getKey(), p.getValue()));
        tags.forEach(t -> serverTags.put(t.getKey(), t.getValue()));
        metricPoints.forEach(p -> serverMetrics.get(p.key()).add(p));

        int artifacts = 0;
        for (Map.Entry<String, Path> a : run.artifacts().entrySet()) {
            String fingerprint = fingerprint(a.getValue());
            if (!fingerprint.equals(uploaded.get(a.getKey()))) {
                server.putArtifact(artifactUri, a.getKey(), a.getValue());
                uploaded.put(a.getKey(), fingerprint);
                artifacts++;
            }
        }
        boolean ended = false;
        RunStatus local = run.status();
        if (local != RunStatus.RUNNING && local != serverStatus) {
            server.setTerminated(serverRunId, local, run.endTime() == null ? System.currentTimeMillis() : run.endTime());
            serverStatus = local;
            ended = true;
        }
        return new Outcome(serverRunId, created, params.size(), sentWithCreation + tags.size(), inputs.size(), metrics.size(),
                artifacts, ended);
    }

    /** Finds the server's copy of the run, or creates it; returns whether it was created. */
    private boolean attach() {
        experimentId = server.experimentId(run.experimentName());
        var existing = server.findRun(experimentId, run.runId());
        if (existing.isPresent()) {
            Service.Run found = server.run(existing.get().getInfo().getRunId());
            serverRunId = found.getInfo().getRunId();
            artifactUri = found.getInfo().getArtifactUri();
            serverStatus = RunStatus.valueOf(found.getInfo().getStatus().name());
            found.getData().getParamsList().forEach(p -> serverParams.put(p.getKey(), p.getValue()));
            found.getData().getTagsList().forEach(t -> serverTags.put(t.getKey(), t.getValue()));
            found.getInputs().getDatasetInputsList().forEach(d -> serverInputs.add(new RunTracker.DataInput(
                    d.getDataset().getName(), d.getDataset().getDigest(), null, d.getTagsList().stream()
                    .filter(t -> t.getKey().equals(MlflowTags.DATASET_CONTEXT)).map(Service.InputTag::getValue).findFirst()
                    .orElse(null))));
            // A file of the right size is taken as sent; a shorter one (cut off by a server that died
            // mid-upload) is sent again, and a PUT replaces it.
            server.artifactSizes(serverRunId).forEach((path, size) -> uploaded.put(path, Long.toString(size)));
            return false;
        }
        Map<String, String> tags = serverSide(run.tags());
        tags.put(LOCAL_RUN_ID_TAG, run.runId());
        Service.RunInfo info = server.createRun(experimentId, run.runName(), run.startTime(),
                run.tags().getOrDefault("mlflow.user", ""), tags);
        serverRunId = info.getRunId();
        artifactUri = info.getArtifactUri();
        serverStatus = RunStatus.RUNNING;
        serverTags.putAll(tags);
        createdHere = true;
        return true;
    }

    /**
     * The tags as the server must see them: a sweep's child names its parent by the local run id,
     * which becomes the parent's id on the server. Until the parent is there, the tag waits.
     */
    private Map<String, String> serverSide(Map<String, String> localTags) {
        Map<String, String> tags = new LinkedHashMap<>(localTags);
        String parent = tags.remove(PARENT_RUN_ID_TAG);
        if (parent != null && serverTags.containsKey(PARENT_RUN_ID_TAG)) {
            tags.put(PARENT_RUN_ID_TAG, serverTags.get(PARENT_RUN_ID_TAG));
        } else if (parent != null) {
            server.findRun(experimentId, parent).ifPresent(p -> tags.put(PARENT_RUN_ID_TAG, p.getInfo().getRunId()));
        }
        return tags;
    }

    private Set<MetricPoint> history(String key) {
        Set<MetricPoint> points = new HashSet<>();
        if (!createdHere) {
            for (Service.Metric m : server.metricHistory(serverRunId, key)) {
                points.add(new MetricPoint(key, m.getValue(), m.getTimestamp(), m.getStep()));
            }
        }
        return points;
    }

    /** An input as the server is asked for it: a data set and its use (the source is the same either way). */
    private static RunTracker.DataInput withoutSource(RunTracker.DataInput input) {
        return new RunTracker.DataInput(input.name(), input.digest(), null, input.context());
    }

    /** Artifacts of a run do not change once written, so the size tells a whole upload from a cut one. */
    private static String fingerprint(Path file) {
        try {
            return Long.toString(Files.size(file));
        } catch (IOException e) {
            throw LocalRunStore.storeFailure(file, e);
        }
    }
}
