package org.fmnist.core.plugin;

import com.google.inject.Binder;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Names;
import java.util.Set;

/**
 * The one place the {@code Multibinder} of a plugin's own commands is spelled out: each a picocli
 * {@code @Command} class, added to {@code ./runner}'s subcommands and made through the runner's
 * injector, like its own: {@code CommandRegistry.commands(binder()).addBinding().toInstance(SyncCommand.class)}.
 */
public final class CommandRegistry {
    private CommandRegistry() {}

    private static final Key<Set<Class<?>>> KEY = Key.get(new TypeLiteral<Set<Class<?>>>() {}, Names.named("fmnist.commands"));

    public static Multibinder<Class<?>> commands(Binder binder) {
        return Multibinder.newSetBinder(binder, new TypeLiteral<Class<?>>() {}, Names.named("fmnist.commands"));
    }

    /** The command classes every module added. */
    public static Set<Class<?>> registered(Injector injector) {
        return injector.getInstance(KEY);
    }
}
