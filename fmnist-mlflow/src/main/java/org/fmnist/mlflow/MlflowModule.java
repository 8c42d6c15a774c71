package org.fmnist.mlflow;

import org.fmnist.core.model.ModelSource;
import org.fmnist.core.plugin.CommandRegistry;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.tracking.TrackerRegistry;

/**
 * MLflow for fmnist: the {@code mlflow} tracker, the commands that work with its records
 * ({@code ui}, {@code sync}, {@code register}) and its model registry as a source of models for
 * {@code predict} ({@code models:/NAME/VERSION}).
 */
public final class MlflowModule extends PluginModule {
    @Override
    protected void configure() {
        TrackerRegistry.trackers(binder()).addBinding("mlflow").to(MlflowTracker.Factory.class);
        var commands = CommandRegistry.commands(binder());
        commands.addBinding().toInstance(UiCommand.class);
        commands.addBinding().toInstance(RegisterCommand.class);
        commands.addBinding().toInstance(SyncCommand.class);
        ModelSource.sources(binder()).addBinding().to(RegisteredModel.Source.class);
    }
}
