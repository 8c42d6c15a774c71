package org.fmnist.runner.tracking;

import org.fmnist.core.spec.TrackingSpec;

/**
 * Makes a new {@link RunTracker} for one run from the spec's {@code tracking} section. Registered in
 * a {@code MapBinder} under the name {@code tracking.type} gives, like models and augmentations.
 */
public interface TrackerFactory {
    /** One line saying where this tracker records runs. */
    String description();

    RunTracker create(TrackingSpec spec);
}
