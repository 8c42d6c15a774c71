package org.fmnist.models;

import com.google.inject.AbstractModule;
import org.fmnist.core.model.ModelRegistry;

/** Registers every model of this module under the name a spec's {@code model.type} uses. */
public final class ModelsModule extends AbstractModule {
    @Override
    protected void configure() {
        ModelRegistry.models(binder()).addBinding("dense").to(DenseModel.class);
    }
}
