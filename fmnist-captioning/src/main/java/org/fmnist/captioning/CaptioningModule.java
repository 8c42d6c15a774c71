package org.fmnist.captioning;

import org.fmnist.core.plugin.PluginModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;

/**
 * Registers the caption generators a spec can list in {@code captioning.generators}. Nothing is
 * loaded here: the BGE model loads when a generator or measure that needs it is first created.
 */
public final class CaptioningModule extends PluginModule {
    @Override
    protected void configure() {
        MapBinder<String, CaptionGenerator> generators = MapBinder.newMapBinder(binder(), String.class, CaptionGenerator.class);
        generators.addBinding("template").to(TemplateCaptioner.class);
        generators.addBinding("bert").to(BertCaptioner.class);
        bind(SentenceEmbedder.class).to(BgeSmallEmbedder.class).in(Singleton.class);
    }
}
