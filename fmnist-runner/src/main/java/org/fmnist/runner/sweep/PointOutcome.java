package org.fmnist.runner.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.runner.folder.RunOutputs;

/**
 * How one point of a sweep ended.
 *
 * @param folder the point's run folder; null when the point failed before it had one
 * @param metrics the point's final metrics; empty when it failed
 * @param failure why it failed; null when it finished
 */
public record PointOutcome(SweepPoint point, Path folder, Map<String, Double> metrics, String failure) {
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    public PointOutcome {
        metrics = Map.copyOf(metrics);
    }

    public boolean failed() {
        return failure != null;
    }

    /**
     * The outcome of {@code job} as its run folder tells it: the {@code summary} of its
     * {@code metrics.json}, or a failure saying the run left none.
     */
    public static PointOutcome read(SweepJob job) {
        Path folder = job.run().runFolder();
        Path metrics = folder.resolve("metrics.json");
        if (!Files.isRegularFile(metrics)) {
            return failed(job, "the run left no metrics.json in " + folder);
        }
        try {
            JsonNode summary = JSON.readTree(metrics.toFile()).path(RunOutputs.SUMMARY);
            return new PointOutcome(job.point(), folder, JSON.convertValue(summary, new TypeReference<Map<String, Double>>() {}),
                    null);
        } catch (IOException | IllegalArgumentException e) {
            return failed(job, "its metrics.json cannot be read: " + e.getMessage());
        }
    }

    /** {@code job} failed for {@code why}; its folder is kept when the run made one. */
    public static PointOutcome failed(SweepJob job, String why) {
        Path folder = job.run().runFolder();
        return new PointOutcome(job.point(), Files.isDirectory(folder) ? folder : null, Map.of(),
                why.strip().replaceAll("\\s+", " "));
    }
}
