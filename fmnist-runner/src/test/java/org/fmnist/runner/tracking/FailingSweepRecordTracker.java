package org.fmnist.runner.tracking;

import java.nio.file.Path;
import java.util.Map;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackerFactory;
import org.fmnist.core.tracking.TrackerRegistry;
import org.fmnist.core.tracking.TrackingException;

/**
 * A tracker for tests whose record of a sweep (not of its points) fails at the end, when the sweep's
 * folder is sent: the bookkeeping that must not lose the points. Registered as {@code fails-at-sweep-end}.
 */
public final class FailingSweepRecordTracker extends NoTracker {
    private boolean sweep;

    /** Registers the tracker; tests pass it to the runner as an extension. */
    public static final class Module extends PluginModule {
        @Override
        protected void configure() {
            TrackerRegistry.trackers(binder()).addBinding("fails-at-sweep-end").to(Factory.class);
        }
    }

    static final class Factory implements TrackerFactory<Factory.Parameters> {
        /** No keys. */
        record Parameters() {}

        @Override
        public String description() {
            return "fails when a sweep's folder is recorded (tests)";
        }

        @Override
        public Class<Parameters> parametersType() {
            return Parameters.class;
        }

        @Override
        public RunTracker create(Parameters parameters) {
            return new FailingSweepRecordTracker();
        }
    }

    @Override
    public String start(RunDescription run) {
        sweep = "true".equals(run.labels().get("fmnist.sweep"));
        return "tracking: fails at the sweep's end";
    }

    @Override
    public void logArtifacts(Path runFolder, Map<String, String> tables) {
        if (sweep) {
            throw new TrackingException("the tracking store refused the sweep's folder", false, null);
        }
    }
}
