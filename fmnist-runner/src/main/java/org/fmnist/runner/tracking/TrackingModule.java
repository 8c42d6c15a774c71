package org.fmnist.runner.tracking;

import org.fmnist.core.plugin.PluginModule;

/** Registers the trackers a spec can name in {@code tracking.type}. */
public final class TrackingModule extends PluginModule {
    @Override
    protected void configure() {
        var trackers = TrackerRegistry.trackers(binder());
        trackers.addBinding("mlflow").to(MlflowTracker.Factory.class);
        trackers.addBinding("none").to(NoTracker.Factory.class);
    }
}
