package org.fmnist.core.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.TrainingListener;

/**
 * Records one run somewhere beyond its run folder. A tracker is a training listener: it records
 * each epoch's metrics as training reports them. Made by the {@link TrackerFactory} that
 * {@code tracking.type} names. Calls come in this order: {@link #start}, epochs and
 * {@link #logMetrics} any number of times, {@link #logArtifacts}, {@link #finish}; {@code finish}
 * may also come from a shutdown hook (Ctrl-C) and must tolerate a second call.
 */
public interface RunTracker extends TrainingListener {

    /**
     * What a tracker is told about a run when it starts, in fmnist's own terms; each tracker turns
     * it into its own record (MLflow's tags: {@link MlflowTags}).
     *
     * @param specName the spec's {@code name}, the default experiment
     * @param runName the run's display name
     * @param specFile the spec file the run was resolved from
     * @param note the spec's description, or null
     * @param gitCommit the commit the runner ran from, or null outside a checkout
     * @param parentRunId the id {@link #runId()} gave the parent (a sweep), or null
     * @param params the resolved spec, flattened to dotted keys
     * @param labels fmnist's own facts for finding the run again ({@code fmnist.*})
     * @param data the images the run read, one entry for each use (train, validation, test); none for a
     *     run of runs (a sweep, an ensemble)
     * @param resumeRunId the id {@link #runId()} gave when this run first started, to go on recording
     *     into that record; null for a new run
     */
    record RunDescription(String specName, String runName, String specFile, String note, String gitCommit,
                          String parentRunId, Map<String, String> params, Map<String, String> labels, List<DataInput> data,
                          long startMillis, String resumeRunId) {}

    /**
     * A data set a run read, as MLflow's dataset inputs record it.
     *
     * @param name the data set, {@code fashion-mnist}
     * @param digest a short hash of exactly which images: the files' MD5s and the spec keys that select from them
     * @param source where the files were read, a {@code file:} URI
     * @param context what the run did with them: {@code train}, {@code validation} or {@code test}
     */
    record DataInput(String name, String digest, String source, String context) {}

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

    /**
     * Sets or changes labels ({@code fmnist.*}, as {@link RunDescription#labels}) while the run is open,
     * e.g. where a search left a trial. A tracker that keeps no labels ignores them.
     */
    default void setLabels(Map<String, String> labels) {}

    /** Every file of the finished run folder, plus {@code tables}: name to table JSON. */
    void logArtifacts(Path runFolder, Map<String, String> tables);

    /**
     * Ends the run with {@code status}; later calls do nothing.
     *
     * @return lines for the console about what happened to the record, possibly none
     */
    List<String> finish(RunStatus status);

    /** Each epoch's metrics as training reports them, at the epoch's number. */
    @Override
    default void onEpochEnd(EpochMetrics metrics) {
        logMetrics(TrackedValues.epoch(metrics), metrics.epoch());
    }
}
