package org.fmnist.runner.extension;

import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.plugin.PluginModule;

/** A plugin that registers a model under a name fmnist already uses, which must be refused. */
public final class SecondDenseModule extends PluginModule {
    @Override
    protected void configure() {
        ModelRegistry.models(binder()).addBinding("dense").to(SoftmaxRegression.class);
    }
}
