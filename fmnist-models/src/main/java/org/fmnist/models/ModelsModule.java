package org.fmnist.models;

import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.model.ModelRegistry;

/** Registers every model of this module under the name a spec's {@code model.type} uses. */
public final class ModelsModule extends PluginModule {
    @Override
    protected void configure() {
        var models = ModelRegistry.models(binder());
        models.addBinding("dense").to(DenseModel.class);
        models.addBinding("cnn").to(CompactCnn.class);
        models.addBinding("cnn-deep").to(DeepCnn.class);
        models.addBinding("resnet").to(ResNet.class);
    }
}
