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
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.runner.Registry;
import org.fmnist.runner.folder.Provenance;
import org.fmnist.runner.folder.RunOutputs;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * Records a run that finished elsewhere (a sweep point a Spark executor ran) from its folder, into
 * the trackers its spec names, as a child of the job's parent: each epoch's metrics at its step,
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

    /** @return the trackers' lines for the console */
    public List<String> record(RunJob job, Path folder) throws IOException {
        ResolvedSpec resolved = job.resolved(mapper);
        JsonNode metrics = json.readTree(folder.resolve("metrics.json").toFile());
        List<EpochMetrics> history = json.convertValue(metrics.get("epochs"), new TypeReference<List<EpochMetrics>>() {});
        Map<String, Double> summary = json.convertValue(metrics.get(RunOutputs.SUMMARY), new TypeReference<>() {});
        Provenance provenance = Provenance.read(folder.resolve("provenance.json"));

        RunTrackers trackers = registry.trackers(resolved);
        List<String> lines = new java.util.ArrayList<>(trackers.start(RunDescriptions.of(resolved.spec(),
                resolved.file().toString(), folder, provenance, Files.readString(folder.resolve("spec.yaml")), job.tags(),
                provenance.started().toEpochMilli()), job.parentRunIds(), Map.of()));
        history.forEach(trackers::onEpochEnd);
        trackers.logMetrics(finalMetrics(summary, history), history.get(history.size() - 1).epoch());
        trackers.logArtifacts(folder, Map.of());
        lines.addAll(trackers.finish(RunStatus.FINISHED));
        return lines;
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
