package org.fmnist.runner.tracking;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;

/** Registers the trackers a spec can name in {@code tracking.type}. */
public final class TrackingModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, RunTracker> trackers = MapBinder.newMapBinder(binder(), String.class, RunTracker.class);
        trackers.addBinding("mlflow").to(MlflowTracker.class);
        trackers.addBinding("none").to(NoTracker.class);
    }
}
