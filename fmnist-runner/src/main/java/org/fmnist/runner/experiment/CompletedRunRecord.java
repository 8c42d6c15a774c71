package org.fmnist.runner.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.train.EpochCheckpoint;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.runner.Registry;
import org.fmnist.runner.folder.Provenance;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.folder.RunOutputs;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * Records a run that finished or paused elsewhere (a sweep point a Spark executor ran) from its folder,
 * into the trackers its spec names, as a child of the job's parent: each epoch's metrics at its step,
 * the final test metrics, the folder's files, FINISHED. The driver calls this once per point when the
 * point's result arrives, so a task that Spark ran twice (a lost worker) is still recorded once.
 */
public final class CompletedRunRecord {
    private final Registry registry;
    private final SpecMapper mapper = new SpecMapper();
    private final ObjectMapper json = JsonMapperFactory.create();

    @Inject
    CompletedRunRecord(Registry registry) {
        this.registry = registry;
    }

    /**
     * Records the run in {@code folder}: a finished one whole; a paused one (a search's trial at a rung)
     * with the epochs its checkpoint holds. A run recorded before (an earlier rung) goes on in the same
     * records, whose ids the folder keeps, and an epoch recorded before is not recorded again.
     *
     * @return the trackers' lines for the console
     */
    public List<String> record(RunJob job, Path folder) throws IOException {
        boolean finished = Files.isRegularFile(folder.resolve("metrics.json"));
        JsonNode metrics = finished ? json.readTree(folder.resolve("metrics.json").toFile()) : null;
        List<EpochMetrics> history = finished ? RunOutputs.epochs(metrics)
                : EpochCheckpoint.history(folder.resolve(ExperimentRun.CHECKPOINTS));
        ResolvedSpec resolved = job.resolved(mapper);
        RunTrackers trackers = registry.trackers(resolved);
        List<String> lines = new java.util.ArrayList<>(start(trackers, resolved, job, folder));
        history.forEach(trackers::onEpochEnd);
        if (finished) {
            Map<String, Double> summary = json.convertValue(metrics.get(RunOutputs.SUMMARY), new TypeReference<>() {});
            trackers.logMetrics(finalMetrics(summary, history), history.get(history.size() - 1).epoch());
            trackers.logArtifacts(folder, Map.of());
        }
        lines.addAll(trackers.finish(RunStatus.FINISHED));
        return lines;
    }

    /**
     * Starts the records of a run about to train elsewhere, so that its epochs are recorded as they come: the
     * records the run had (a resumed point's, whose folder keeps their ids), else new ones, named as the finished
     * run's. Its params, data sets and outputs are recorded from the finished folder by {@link #record}, into
     * these same records once the folder keeps their ids.
     */
    public RunTrackers live(RunJob job, Path folder) throws IOException {
        ResolvedSpec resolved = job.resolved(mapper);
        ExperimentSpec spec = resolved.spec();
        RunTrackers trackers = registry.trackers(resolved);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("fmnist.model_type", spec.model().type());
        labels.put("fmnist.run_folder", folder.toAbsolutePath().toString());
        labels.putAll(job.tags());
        trackers.start(new RunTracker.RunDescription(spec.name(), spec.name() + "-" + folder.getFileName(),
                resolved.file().toString(), spec.description(), null, null, Map.of(), labels, List.of(),
                System.currentTimeMillis(), null), job.parentRunIds(), earlierRunIds(folder));
        return trackers;
    }

    /** Sets {@code labels} on the records of the run in {@code folder}, recorded before, which stays FINISHED. */
    public List<String> label(RunJob job, Path folder, Map<String, String> labels) throws IOException {
        ResolvedSpec resolved = job.resolved(mapper);
        RunTrackers trackers = registry.trackers(resolved);
        List<String> lines = new java.util.ArrayList<>(start(trackers, resolved, job, folder));
        trackers.setLabels(labels);
        lines.addAll(trackers.finish(RunStatus.FINISHED));
        return lines;
    }

    /** Starts {@code trackers} on the run in {@code folder}: in its earlier records when it has them, else new ones, kept. */
    private List<String> start(RunTrackers trackers, ResolvedSpec resolved, RunJob job, Path folder) throws IOException {
        Provenance provenance = Provenance.read(folder.resolve("provenance.json"));
        Map<String, String> earlier = earlierRunIds(folder);
        List<String> lines = trackers.start(RunDescriptions.of(resolved.spec(), resolved.file().toString(), folder,
                provenance, Files.readString(folder.resolve("spec.yaml")), job.tags(), provenance.started().toEpochMilli()),
                job.parentRunIds(), earlier);
        if (earlier.isEmpty() && !trackers.runIds().isEmpty()) {
            json.writeValue(folder.resolve(RunFolder.TRACKED_RUN_IDS).toFile(), trackers.runIds());
        }
        return lines;
    }

    /** By tracker name, the records the run in {@code folder} was kept in; empty when none. */
    private Map<String, String> earlierRunIds(Path folder) throws IOException {
        Path ids = folder.resolve(RunFolder.TRACKED_RUN_IDS);
        return Files.isRegularFile(ids) ? json.readValue(ids.toFile(), new TypeReference<Map<String, String>>() {}) : Map.of();
    }

    /**
     * The final metrics a live run logs after its last epoch: every test metric, the training time
     * and, with test-time views, the validation scores with them; the test loss and accuracy only when
     * the epochs did not already log those same numbers (measured on the test set, without views).
     */
    private static Map<String, Double> finalMetrics(Map<String, Double> summary, List<EpochMetrics> history) {
        boolean testEachEpoch = history.get(history.size() - 1).evalSplit().equals("test")
                && !summary.containsKey("test_plain_accuracy");
        Map<String, Double> logged = new LinkedHashMap<>();
        summary.forEach((key, value) -> {
            boolean perEpochAlready = testEachEpoch && (key.equals("test_loss") || key.equals("test_accuracy"));
            boolean finalMetric = key.startsWith("test_") || key.startsWith("val_tta_") || key.equals("train_seconds");
            if (finalMetric && !perEpochAlready) {
                logged.put(key, value);
            }
        });
        return logged;
    }
}
