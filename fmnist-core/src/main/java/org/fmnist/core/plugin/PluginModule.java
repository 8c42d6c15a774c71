package org.fmnist.core.plugin;

import com.google.inject.AbstractModule;

/**
 * A Guice module that the runner finds on its classpath through {@link java.util.ServiceLoader}: a
 * jar contributes models, augmentations, caption generators, trackers or sweep executors by naming
 * its subclass in {@code META-INF/services/org.fmnist.core.plugin.PluginModule}. fmnist's own
 * modules are found the same way, so a jar in {@code plugins/} is on an equal footing with them.
 *
 * <p>A subclass needs a public no-argument constructor, and its {@code configure} only binds: the
 * runner builds one injector from every module at start-up, before it knows which command runs, so
 * loading a model or opening a file there would slow down and can break every command.
 */
public abstract class PluginModule extends AbstractModule {}
