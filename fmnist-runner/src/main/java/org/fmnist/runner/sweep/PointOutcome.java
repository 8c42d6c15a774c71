package org.fmnist.runner.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.train.EpochCheckpoint;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.folder.RunOutputs;

/**
 * How one point of a sweep ended.
 *
 * @param folder the point's run folder; null when the point failed before it had one
 * @param metrics the point's final metrics; when it paused, the validation metrics of the epoch it paused
 *     after; empty when it failed
 * @param failure why it failed; null when it finished or paused
 * @param pausedAfter the epoch the run paused after, as its job asked; null when it finished or failed
 */
public record PointOutcome(SweepPoint point, Path folder, Map<String, Double> metrics, String failure,
                           Integer pausedAfter) {
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    public PointOutcome {
        metrics = Map.copyOf(metrics);
    }

    public boolean failed() {
        return failure != null;
    }

    public boolean paused() {
        return pausedAfter != null;
    }

    /**
     * The outcome of {@code job} as its run folder tells it: the {@code summary} of its
     * {@code metrics.json}; for a job that pauses, the epoch its checkpoint holds; else a failure saying
     * the run left neither.
     */
    public static PointOutcome read(SweepJob job) {
        Path folder = job.run().runFolder();
        Path metrics = folder.resolve("metrics.json");
        Integer pause = job.run().pauseAfterEpoch();
        if (!Files.isRegularFile(metrics) && pause != null) {
            return readPaused(job, folder, pause);
        }
        if (!Files.isRegularFile(metrics)) {
            return failed(job, "the run left no metrics.json in " + folder);
        }
        try {
            JsonNode summary = JSON.readTree(metrics.toFile()).path(RunOutputs.SUMMARY);
            return new PointOutcome(job.point(), folder, JSON.convertValue(summary, new TypeReference<Map<String, Double>>() {}),
                    null, null);
        } catch (IOException | IllegalArgumentException e) {
            return failed(job, "its metrics.json cannot be read: " + e.getMessage());
        }
    }

    /** A paused run: the validation metrics of the epoch its last checkpoint holds, which must be the one asked for. */
    private static PointOutcome readPaused(SweepJob job, Path folder, int pause) {
        try {
            List<EpochMetrics> history = EpochCheckpoint.history(folder.resolve(ExperimentRun.CHECKPOINTS));
            EpochMetrics last = history.isEmpty() ? null : history.get(history.size() - 1);
            if (last == null || last.epoch() != pause || !last.evalSplit().equals("validation")) {
                return failed(job, "the run left neither metrics.json nor the validated checkpoint of epoch " + pause
                        + " in " + folder);
            }
            return new PointOutcome(job.point(), folder, Map.of("val_accuracy", last.evalAccuracy(), "val_loss",
                    last.evalLoss()), null, pause);
        } catch (IOException e) {
            return failed(job, "its checkpoint cannot be read: " + e.getMessage());
        }
    }

    /** {@code job} failed for {@code why}; its folder is kept when the run made one. */
    public static PointOutcome failed(SweepJob job, String why) {
        Path folder = job.run().runFolder();
        return new PointOutcome(job.point(), Files.isDirectory(folder) ? folder : null, Map.of(),
                why.strip().replaceAll("\\s+", " "), null);
    }
}
