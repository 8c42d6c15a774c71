package org.fmnist.core.model;

import com.google.inject.Binder;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;

/**
 * The one place the model {@code MapBinder}'s key and value types are spelled out, so every module
 * contributes to the same map: {@code ModelRegistry.models(binder()).addBinding("dense").to(DenseModel.class)}.
 */
public final class ModelRegistry {
    private ModelRegistry() {}

    public static MapBinder<String, ModelFactory<?>> models(Binder binder) {
        return MapBinder.newMapBinder(binder, new TypeLiteral<String>() {}, new TypeLiteral<ModelFactory<?>>() {});
    }
}
