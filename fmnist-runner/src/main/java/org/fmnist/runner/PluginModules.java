package org.fmnist.runner;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Elements;
import com.google.inject.spi.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fmnist.core.plugin.PluginModule;

/**
 * Finds every {@link PluginModule} on the classpath (fmnist's own jars and those in {@code plugins/})
 * and builds the runner's one injector from them. Whatever goes wrong with a plugin becomes one
 * {@link PluginException} naming the jar it came from, because a user who dropped a jar into
 * {@code plugins/} must learn which one to fix, not read a Guice stack trace.
 */
public final class PluginModules {
    private static final String SERVICE_FILE = "META-INF/services/" + PluginModule.class.getName();
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate key \"([^\"]*)\" found in (.+?)\\.?$",
            Pattern.MULTILINE);
    /** Guice names the modules that bound a duplicate by simple name: "1 : ModelsModule.configure(...)". */
    private static final Pattern BOUND_AT = Pattern.compile("(?:\\d+ : |at )(\\w+)\\.configure\\(");

    /** Module class name to the jar (or folder) whose service file lists it. */
    private final Map<String, String> origins;
    private final ClassLoader loader;

    private PluginModules(ClassLoader loader, Map<String, String> origins) {
        this.loader = loader;
        this.origins = origins;
    }

    /** The plugin modules {@code loader} can see, with where each is declared. */
    public static PluginModules on(ClassLoader loader) {
        Map<String, String> origins = new LinkedHashMap<>();
        try {
            for (URL file : Collections.list(loader.getResources(SERVICE_FILE))) {
                for (String name : providerNames(file)) {
                    origins.putIfAbsent(name, jarOf(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugin service files on the classpath", e);
        }
        return new PluginModules(loader, origins);
    }

    /** The injector of every plugin module plus {@code fixed} (the runner's own bindings, a test's modules). */
    Injector injector(Module... fixed) {
        List<PluginModule> plugins = load();
        List<Module> modules = new ArrayList<>(plugins);
        modules.addAll(List.of(fixed));
        try {
            return Guice.createInjector(modules);
        } catch (CreationException e) {
            throw explain(e);
        } catch (LinkageError e) {
            // Guice lets errors out of configure() as they are, without naming the module.
            throw failure(culpritOf(plugins), e);
        }
    }

    /** The first module whose configure() cannot run on its own: the one a class is missing for. */
    private static String culpritOf(List<PluginModule> plugins) {
        for (PluginModule module : plugins) {
            try {
                Elements.getElements(module);
            } catch (LinkageError | RuntimeException broken) {
                return module.getClass().getName();
            }
        }
        return "a plugin module";
    }

    /**
     * Makes what the plugins registered by asking {@code injector} for {@code type}, so that a plugin
     * whose classes cannot be created fails here, named, rather than inside a command.
     */
    <T> T create(Injector injector, Class<T> type) {
        try {
            return injector.getInstance(type);
        } catch (ProvisionException | LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String where = failingClass(String.valueOf(e.getMessage()))
                    .map(c -> c + ", from " + moduleOf(c).map(this::where).orElse("a plugin module")).orElse("a plugin");
            String why = root instanceof NoClassDefFoundError || root instanceof ClassNotFoundException
                    ? "class " + root.getMessage().replace('/', '.') + " is missing" : String.valueOf(root.getMessage());
            throw new PluginException("plugin error: " + where + " cannot be created: " + why + ". Fix: put the"
                    + " libraries it needs in plugins/ beside it (or into its jar), or remove it from plugins/.", e);
        }
    }

    /**
     * The class Guice failed to create: the first "while locating X" of its message, made a full
     * name through the message's own legend ({@code X: "org.example.X"}).
     */
    private static Optional<String> failingClass(String message) {
        Matcher locating = Pattern.compile("while locating (\\S+)").matcher(message);
        if (!locating.find()) {
            return Optional.empty();
        }
        String simple = locating.group(1);
        Matcher legend = Pattern.compile("^" + Pattern.quote(simple) + ":\\s+\"([^\"]+)\"", Pattern.MULTILINE).matcher(message);
        return Optional.of(legend.find() ? legend.group(1) : simple);
    }

    /** The plugin module that most likely registered {@code className}: the one sharing most of its package. */
    private Optional<String> moduleOf(String className) {
        return origins.keySet().stream().filter(m -> packageOf(className).startsWith(packageOf(m)))
                .max(java.util.Comparator.comparingInt(m -> packageOf(m).length()));
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** Instantiates each listed module; a class that is missing or broken is named with its jar. */
    List<PluginModule> load() {
        List<PluginModule> modules = new ArrayList<>();
        for (ServiceLoader.Provider<PluginModule> provider : providers()) {
            try {
                modules.add(provider.get());
            } catch (ServiceConfigurationError | LinkageError e) {
                throw failure(provider.type().getName(), e);
            }
        }
        return modules;
    }

    private List<ServiceLoader.Provider<PluginModule>> providers() {
        List<ServiceLoader.Provider<PluginModule>> providers = new ArrayList<>();
        var iterator = ServiceLoader.load(PluginModule.class, loader).stream().iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    return providers;
                }
                providers.add(iterator.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                throw failure(nameIn(e), e);
            }
        }
    }

    private PluginException failure(String moduleClass, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        // ServiceLoader reports a listed class it cannot find as "Provider NAME not found", with no cause.
        boolean listedClassMissing = e instanceof ServiceConfigurationError && e.getCause() == null
                && String.valueOf(e.getMessage()).endsWith(" not found");
        String why = listedClassMissing ? "class " + moduleClass + " is not in the jar or on the classpath"
                : root instanceof ClassNotFoundException || root instanceof NoClassDefFoundError
                ? "class " + root.getMessage().replace('/', '.') + " is missing"
                : root.getMessage() == null ? root.toString() : root.getMessage();
        return new PluginException("plugin error: " + where(moduleClass) + " cannot be loaded: " + why
                + ". Fix: rebuild that jar against this fmnist (its module needs a public no-argument constructor and"
                + " its dependencies must be in the jar or in plugins/), or remove it from plugins/.", e);
    }

    /** A duplicate name becomes "model 'dense' is registered by A and by B"; other errors name the modules involved. */
    private PluginException explain(CreationException e) {
        for (Message m : e.getErrorMessages()) {
            Matcher duplicate = DUPLICATE_KEY.matcher(m.getMessage());
            if (duplicate.find()) {
                List<String> modules = new ArrayList<>();
                Matcher bound = BOUND_AT.matcher(e.getMessage());
                while (bound.find()) {
                    modules.add(where(fullName(bound.group(1))));
                }
                return new PluginException("plugin error: the name '" + duplicate.group(1) + "' is registered twice in "
                        + duplicate.group(2) + ", by " + String.join(" and by ", modules) + ". Fix: give the plugin's entry"
                        + " another name, or remove one of the jars from plugins/.", e);
            }
        }
        Message first = e.getErrorMessages().iterator().next();
        // Guice names the module whose configure() failed by its simple name: "at MyModule.configure(...)".
        Matcher at = BOUND_AT.matcher(e.getMessage());
        String culprit = at.find() ? where(fullName(at.group(1))) : "a plugin module";
        String cause = first.getCause() != null && first.getCause().getMessage() != null ? first.getCause().getMessage()
                : first.getMessage().lines().findFirst().orElse("");
        return new PluginException("plugin error: " + culprit + " cannot be wired: " + cause
                + ". Fix: rebuild that jar against this fmnist, or remove it from plugins/.", e);
    }

    /** The plugin module class whose simple name is {@code simpleName}, or the name itself when none is. */
    private String fullName(String simpleName) {
        return origins.keySet().stream().filter(c -> c.endsWith("." + simpleName) || c.equals(simpleName)).findFirst()
                .orElse(simpleName);
    }

    private String where(String moduleClass) {
        String jar = origins.get(moduleClass);
        return moduleClass + (jar == null ? "" : " (" + jar + ")");
    }

    private String nameIn(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return origins.keySet().stream().filter(message::contains).findFirst().orElse(message);
    }

    private static List<String> providerNames(URL file) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String name = line.replaceAll("#.*", "").strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The jar a service file is in, as a path the user recognises (relative to the working folder when under it). */
    private static String jarOf(URL serviceFile) {
        return locationOf(serviceFile, 3);
    }

    /**
     * The jar (or class folder) a resource is in, as a path the user recognises: relative to the working
     * folder when under it.
     *
     * @param depth how many path elements the resource's name has ({@code META-INF/services/NAME}: 3)
     */
    static String locationOf(URL resource, long depth) {
        String url = resource.toString();
        try {
            Path location;
            if (url.startsWith("jar:file:")) {
                location = Path.of(new URL(url.substring(4, url.indexOf("!/"))).toURI());
            } else if (url.startsWith("file:")) {
                location = Path.of(resource.toURI());
                for (long i = 0; i < depth; i++) {
                    location = location.getParent();
                }
            } else {
                return url;
            }
            Path here = Path.of("").toAbsolutePath();
            return location.startsWith(here) ? here.relativize(location).toString() : location.toString();
        } catch (URISyntaxException | IOException e) {
            return url;
        }
    }

    /**
     * What each jar (or class folder) declaring plugin modules contributes: for each of its modules, every
     * name it registers, by kind ({@code model deep-mlp}, {@code command ui}), read from the module's own
     * bindings (modules only bind, so reading them again changes nothing).
     */
    public Map<String, Map<String, List<String>>> contributions() {
        Map<String, Map<String, List<String>>> byJar = new LinkedHashMap<>();
        for (PluginModule module : load()) {
            String name = module.getClass().getName();
            byJar.computeIfAbsent(origins.getOrDefault(name, "?"), jar -> new LinkedHashMap<>())
                    .put(name, RegisteredNames.of(Elements.getElements(module)));
        }
        return byJar;
    }

    /** Every plugin module class the service files name, in class-path order. */
    List<String> moduleClasses() {
        return List.copyOf(origins.keySet());
    }
}
