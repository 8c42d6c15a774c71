package org.fmnist.runner.cli;

import com.google.inject.ConfigurationException;
import com.google.inject.Injector;
import picocli.CommandLine;

/**
 * Lets picocli create commands through the runner's one injector, so a command declares the
 * registries and services it needs in its constructor. What Guice cannot make (picocli's own
 * converters and mixins) picocli makes itself.
 */
public final class GuiceCommandFactory implements CommandLine.IFactory {
    private final Injector injector;

    public GuiceCommandFactory(Injector injector) {
        this.injector = injector;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type.isAnnotationPresent(CommandLine.Command.class)) {
            try {
                return injector.getInstance(type);
            } catch (ConfigurationException notInjectable) {
                // A command without an @Inject constructor: picocli's default way.
            }
        }
        return CommandLine.defaultFactory().create(type);
    }
}
