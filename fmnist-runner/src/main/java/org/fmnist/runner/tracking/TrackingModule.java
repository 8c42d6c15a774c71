package org.fmnist.runner.tracking;

import com.google.inject.multibindings.MapBinder;
import org.fmnist.core.plugin.PluginModule;

/** Registers the trackers a spec can name in {@code tracking.type}. */
public final class TrackingModule extends PluginModule {
    @Override
    protected void configure() {
        MapBinder<String, TrackerFactory> trackers = MapBinder.newMapBinder(binder(), String.class, TrackerFactory.class);
        trackers.addBinding("mlflow").to(MlflowTracker.Factory.class);
        trackers.addBinding("none").to(NoTracker.Factory.class);
    }
}
