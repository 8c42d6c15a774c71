package ${package};

import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.plugin.PluginModule;

/**
 * The plugin's entry point, named in META-INF/services/org.fmnist.core.plugin.PluginModule. configure()
 * only binds: it runs for every runner command, before the runner knows which one.
 */
public final class ${modelClass}Module extends PluginModule {
    @Override
    protected void configure() {
        ModelRegistry.models(binder()).addBinding("${model}").to(${modelClass}.class);
    }
}
