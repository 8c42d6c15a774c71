package org.fmnist.runner.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackerFactory;

/** {@code tracking.type: none}: the run folder is the only record. Not final: a test's tracker that records nothing extends it. */
class NoTracker implements RunTracker {

    /** Registered as {@code none}. */
    static final class Factory implements TrackerFactory<Factory.Parameters> {
        /** No keys. */
        record Parameters() {}

        @Override
        public String description() {
            return "the run folder is the only record";
        }

        @Override
        public Class<Parameters> parametersType() {
            return Parameters.class;
        }

        @Override
        public RunTracker create(Parameters parameters) {
            return new NoTracker();
        }
    }

    @Override
    public String start(RunDescription run) {
        return "tracking: none (tracking.type: none); the run folder is the record";
    }

    @Override
    public String runId() {
        return null;
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        // Nothing records metrics besides the run folder's metrics.json.
    }

    @Override
    public void logArtifacts(Path runFolder, Map<String, String> tables) {
        // The run folder already holds every artifact.
    }

    @Override
    public List<String> finish(RunStatus status) {
        return List.of();
    }
}
