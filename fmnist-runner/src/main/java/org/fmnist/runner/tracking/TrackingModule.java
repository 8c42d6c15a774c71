package org.fmnist.runner.tracking;

import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.tracking.TrackerRegistry;

/** Registers {@code tracking.type: none}; other trackers come from their own modules (fmnist-mlflow's {@code mlflow}). */
public final class TrackingModule extends PluginModule {
    @Override
    protected void configure() {
        TrackerRegistry.trackers(binder()).addBinding("none").to(NoTracker.Factory.class);
    }
}
