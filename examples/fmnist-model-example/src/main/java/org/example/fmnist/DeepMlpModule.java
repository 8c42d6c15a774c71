package org.example.fmnist;

import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.plugin.PluginModule;

/**
 * The plugin's entry point. The runner finds it through this jar's
 * {@code META-INF/services/org.fmnist.core.plugin.PluginModule}, which names this class, and adds
 * its bindings to those of fmnist's own modules. {@code configure} only binds: it runs for every
 * runner command, before the runner knows which one.
 */
public final class DeepMlpModule extends PluginModule {
    @Override
    protected void configure() {
        // The name is what a spec writes as model.type; a name another module registered already is
        // refused at start-up, naming both jars.
        ModelRegistry.models(binder()).addBinding("deep-mlp").to(DeepMlp.class);
    }
}
