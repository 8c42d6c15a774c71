package org.fmnist.core.augment;

import com.google.inject.Binder;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;

/** The augmentation {@code MapBinder}'s types, spelled out once for every module that contributes. */
public final class AugmentationRegistry {
    private AugmentationRegistry() {}

    public static MapBinder<String, AugmentationFactory<?>> augmentations(Binder binder) {
        return MapBinder.newMapBinder(binder, new TypeLiteral<String>() {}, new TypeLiteral<AugmentationFactory<?>>() {});
    }
}
