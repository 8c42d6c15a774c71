package org.fmnist.augment;

import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.augment.AugmentationRegistry;

/** Registers the augmentations a spec's {@code augment} entries can name. */
public final class AugmentModule extends PluginModule {
    @Override
    protected void configure() {
        var augmentations = AugmentationRegistry.augmentations(binder());
        augmentations.addBinding("translate").to(Translate.class);
        augmentations.addBinding("flip").to(HorizontalFlip.class);
        augmentations.addBinding("rotate").to(Rotate.class);
        augmentations.addBinding("erase").to(RandomErasing.class);
    }
}
