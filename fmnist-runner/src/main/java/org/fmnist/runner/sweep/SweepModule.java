package org.fmnist.runner.sweep;

import org.fmnist.core.plugin.PluginModule;
import com.google.inject.multibindings.MapBinder;

/** Registers the sweep executors by the name {@code sweep.executor} gives. */
public final class SweepModule extends PluginModule {
    @Override
    protected void configure() {
        MapBinder<String, SweepExecutor> executors = MapBinder.newMapBinder(binder(), String.class, SweepExecutor.class);
        executors.addBinding("local").to(LocalSweepExecutor.class);
    }
}
