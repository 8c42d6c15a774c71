package org.fmnist.augment;

import com.google.inject.AbstractModule;
import org.fmnist.core.augment.AugmentationRegistry;

/** Registers the augmentations a spec's {@code augment} entries can name. */
public final class AugmentModule extends AbstractModule {
    @Override
    protected void configure() {
        var augmentations = AugmentationRegistry.augmentations(binder());
        augmentations.addBinding("translate").to(Translate.class);
        augmentations.addBinding("flip").to(HorizontalFlip.class);
        augmentations.addBinding("rotate").to(Rotate.class);
        augmentations.addBinding("erase").to(RandomErasing.class);
    }
}
