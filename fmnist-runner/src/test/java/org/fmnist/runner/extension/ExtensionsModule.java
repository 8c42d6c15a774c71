package org.fmnist.runner.extension;

import com.google.inject.multibindings.MapBinder;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.core.augment.AugmentationRegistry;
import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.tracking.TrackerRegistry;

/** A module outside the project's own: one registration line per model, augmentation, caption generator and tracker. */
public final class ExtensionsModule extends PluginModule {
    @Override
    protected void configure() {
        ModelRegistry.models(binder()).addBinding("softmax").to(SoftmaxRegression.class);
        AugmentationRegistry.augmentations(binder()).addBinding("invert").to(Invert.class);
        MapBinder.newMapBinder(binder(), String.class, CaptionGenerator.class).addBinding("plain").to(ClassNameCaptioner.class);
        TrackerRegistry.trackers(binder()).addBinding("events").to(EventLogTracker.Factory.class);
    }
}
