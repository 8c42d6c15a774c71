package org.fmnist.runner;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
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
final class PluginModules {
    private static final String SERVICE_FILE = "META-INF/services/" + PluginModule.class.getName();
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate key \"([^\"]*)\" found in (.+?)\\.?$",
            Pattern.MULTILINE);
    /** Guice names the modules that bound a duplicate by simple name: "1 : ModelsModule.configure(...)". */
    private static final Pattern BOUND_AT = Pattern.compile("\\d+ : (\\w+)\\.configure\\(");

    /** Module class name to the jar (or folder) whose service file lists it. */
    private final Map<String, String> origins;
    private final ClassLoader loader;

    private PluginModules(ClassLoader loader, Map<String, String> origins) {
        this.loader = loader;
        this.origins = origins;
    }

    /** The plugin modules {@code loader} can see, with where each is declared. */
    static PluginModules on(ClassLoader loader) {
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
        List<Module> modules = new ArrayList<>(load());
        modules.addAll(List.of(fixed));
        try {
            return Guice.createInjector(modules);
        } catch (CreationException e) {
            throw explain(e);
        }
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
        List<String> modules = modulesNamedIn(first.toString());
        String culprit = modules.isEmpty() ? "a plugin module" : where(modules.get(0));
        String cause = first.getCause() != null && first.getCause().getMessage() != null ? first.getCause().getMessage()
                : first.getMessage().lines().findFirst().orElse("");
        return new PluginException("plugin error: " + culprit + " cannot be wired: " + cause
                + ". Fix: rebuild that jar against this fmnist, or remove it from plugins/.", e);
    }

    /** The known plugin modules whose class names appear in {@code text}, in order of appearance. */
    private List<String> modulesNamedIn(String text) {
        return origins.keySet().stream().filter(text::contains)
                .sorted((a, b) -> Integer.compare(text.indexOf(a), text.indexOf(b))).toList();
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
        String url = serviceFile.toString();
        try {
            if (url.startsWith("jar:file:")) {
                Path jar = Path.of(new URL(url.substring(4, url.indexOf("!/"))).toURI());
                Path here = Path.of("").toAbsolutePath();
                return jar.startsWith(here) ? here.relativize(jar).toString() : jar.toString();
            }
            return url.startsWith("file:") ? Path.of(serviceFile.toURI()).getParent().getParent().getParent().toString() : url;
        } catch (URISyntaxException | IOException e) {
            return url;
        }
    }
}
