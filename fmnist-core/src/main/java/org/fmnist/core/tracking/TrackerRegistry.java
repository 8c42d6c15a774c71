package org.fmnist.core.tracking;

import com.google.inject.Binder;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;

/**
 * The one place the tracker {@code MapBinder}'s types are spelled out, so every module contributes
 * to the same map: {@code TrackerRegistry.trackers(binder()).addBinding("mlflow").to(MlflowTracker.Factory.class)}.
 */
public final class TrackerRegistry {
    private TrackerRegistry() {}

    public static MapBinder<String, TrackerFactory<?>> trackers(Binder binder) {
        return MapBinder.newMapBinder(binder, new TypeLiteral<String>() {}, new TypeLiteral<TrackerFactory<?>>() {});
    }
}
