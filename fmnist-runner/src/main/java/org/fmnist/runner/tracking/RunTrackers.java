package org.fmnist.runner.tracking;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.model.Network;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.TrainingListener;
import org.fmnist.core.train.TrainingPlan;
import org.fmnist.core.train.TrainingState;

/**
 * The trackers {@code tracking.type} names, recording one run side by side. Each keeps its own ids,
 * so parents and resumed runs are given to each tracker by its name.
 */
public final class RunTrackers implements TrainingListener {
    private final Map<String, RunTracker> byName;

    /** @param byName the trackers, by their registered names, in the spec's order */
    public RunTrackers(Map<String, RunTracker> byName) {
        this.byName = new LinkedHashMap<>(byName);
    }

    /**
     * Starts every tracker on {@code run}, each with its own parent and earlier id.
     *
     * @param parentRunIds by tracker name, the parent run's id (a sweep's); absent: no parent
     * @param resumeRunIds by tracker name, the id this run had before an interruption; absent: a new record
     * @return the trackers' lines for the console
     */
    public List<String> start(RunTracker.RunDescription run, Map<String, String> parentRunIds,
                              Map<String, String> resumeRunIds) {
        List<String> lines = new ArrayList<>();
        byName.forEach((name, tracker) -> lines.add(tracker.start(new RunTracker.RunDescription(run.specName(),
                run.runName(), run.specFile(), run.note(), run.gitCommit(), parentRunIds.get(name), run.params(),
                run.labels(), run.data(), run.startMillis(), resumeRunIds.get(name)))));
        return lines;
    }

    /** The id each tracker gave the run, by tracker name; trackers that keep no record are left out. */
    public Map<String, String> runIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        byName.forEach((name, tracker) -> {
            if (tracker.runId() != null) {
                ids.put(name, tracker.runId());
            }
        });
        return ids;
    }

    public void logMetrics(Map<String, Double> metrics, long step) {
        byName.values().forEach(t -> t.logMetrics(metrics, step));
    }

    public void setLabels(Map<String, String> labels) {
        byName.values().forEach(t -> t.setLabels(labels));
    }

    public void logArtifacts(Path runFolder, Map<String, String> tables) {
        byName.values().forEach(t -> t.logArtifacts(runFolder, tables));
    }

    /** Ends every tracker's record; later calls do nothing. */
    public List<String> finish(RunStatus status) {
        List<String> lines = new ArrayList<>();
        byName.values().forEach(t -> lines.addAll(t.finish(status)));
        return lines;
    }

    // A tracker is a training listener: it hears everything training reports, in the spec's order.

    @Override
    public void onTrainingStart(TrainingPlan plan) {
        byName.values().forEach(t -> t.onTrainingStart(plan));
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int batches, double loss) {
        byName.values().forEach(t -> t.onBatchEnd(epoch, batch, batches, loss));
    }

    @Override
    public void onEpochState(Network net, TrainingState state) {
        byName.values().forEach(t -> t.onEpochState(net, state));
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics) {
        byName.values().forEach(t -> t.onEpochEnd(metrics));
    }
}
