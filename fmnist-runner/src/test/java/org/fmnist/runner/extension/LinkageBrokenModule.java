package org.fmnist.runner.extension;

import org.fmnist.core.plugin.PluginModule;

/** A plugin built against a library that is not on the classpath: its configure() cannot link. */
public final class LinkageBrokenModule extends PluginModule {
    @Override
    protected void configure() {
        throw new NoClassDefFoundError("com/example/GoneLibrary");
    }
}
