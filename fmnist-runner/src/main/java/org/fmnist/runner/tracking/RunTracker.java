package org.fmnist.runner.tracking;

import java.nio.file.Path;
import java.util.Map;

/**
 * Records one run somewhere beyond its run folder. Chosen by {@code tracking.type} from the trackers
 * registered in {@link TrackingModule}. Calls come from the run in this order: {@link #start},
 * {@link #logMetrics} any number of times, {@link #logArtifacts}, {@link #finish}; {@code finish}
 * may also come from a shutdown hook (Ctrl-C) and must tolerate a second call.
 */
public interface RunTracker {

    /**
     * What a tracker is told about a run when it starts.
     *
     * @param resumeRunId the id {@link #runId()} gave when this run first started, to go on recording
     *     into that record; null for a new run
     */
    record RunDescription(String experiment, String runName, Map<String, String> params, Map<String, String> tags,
                          long startMillis, String resumeRunId) {}

    /**
     * Begins recording.
     *
     * @return a line for the console saying where the run is recorded
     * @throws TrackingException when the tracker refuses outright (e.g. bad credentials); a server
     *     that is merely unreachable is not a reason to throw
     */
    String start(RunDescription run);

    /** The id of the record {@link #start} began or resumed; null when nothing records the run. */
    String runId();

    /**
     * Metrics at a step; per-epoch metrics use the epoch number. A resumed run logs its earlier epochs
     * again, and a point already recorded for that key and step is then not recorded twice.
     */
    void logMetrics(Map<String, Double> metrics, long step);

    /** Every file of the finished run folder, plus {@code tables}: name to MLflow table JSON. */
    void logArtifacts(Path runFolder, Map<String, String> tables);

    /**
     * Ends the run with {@code status}; later calls do nothing.
     *
     * @return lines for the console about what happened to the record, possibly none
     */
    java.util.List<String> finish(RunStatus status);
}
