package org.fmnist.spark;

import com.google.inject.multibindings.MapBinder;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.runner.sweep.SweepExecutor;

/** Registers {@code sweep.executor: spark}. */
public final class SparkModule extends PluginModule {
    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, SweepExecutor.class).addBinding("spark").to(SparkSweepExecutor.class);
    }
}
