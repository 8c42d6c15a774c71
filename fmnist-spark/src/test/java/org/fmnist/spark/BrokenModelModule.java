package org.fmnist.spark;

import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.runner.extension.BrokenModel;

/**
 * {@code model.type: broken}, found through this module's test service file as a plugin would be, in
 * Spark's executors too: the dense model, failing on its first gradient step.
 */
public final class BrokenModelModule extends PluginModule {
    @Override
    protected void configure() {
        ModelRegistry.models(binder()).addBinding("broken").to(BrokenModel.class);
    }
}
