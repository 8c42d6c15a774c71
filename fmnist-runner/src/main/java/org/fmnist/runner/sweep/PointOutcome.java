package org.fmnist.runner.sweep;

import java.nio.file.Path;
import java.util.Map;

/**
 * How one point of a sweep ended.
 *
 * @param folder the point's run folder; null when the point failed before it had one
 * @param metrics the point's test metrics; empty when it failed
 * @param failure why it failed; null when it finished
 */
public record PointOutcome(SweepPoint point, Path folder, Map<String, Double> metrics, String failure) {

    public PointOutcome {
        metrics = Map.copyOf(metrics);
    }

    public boolean failed() {
        return failure != null;
    }
}
