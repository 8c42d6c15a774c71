package org.fmnist.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The plugin jars, checked before any plugin is loaded. The JVM passes over a jar of the class path it
 * cannot read, and of two copies of a class loads the first on the class path: both silently, so a
 * truncated download or a second copy of a plugin would change what runs without a word.
 */
final class PluginJars {
    /** The folder the runner script puts on the class path ({@code plugins/}, or {@code FMNIST_PLUGINS}). */
    static final String FOLDER_PROPERTY = "fmnist.plugins";

    private PluginJars() {}

    /**
     * Every jar in {@code folder} opens as a jar, and no plugin module class is on the class path twice.
     *
     * @throws PluginException naming the jar (or both jars) and the fix
     */
    static void check(Path folder, ClassLoader loader) {
        for (Path jar : jarsIn(folder)) {
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().forEach(entry -> { });
            } catch (IOException | RuntimeException e) {
                throw new PluginException("plugin error: " + jar + " is not a readable jar (" + e.getMessage() + "). Fix: build"
                        + " or copy it again, or remove it from " + folder + ".", e);
            }
        }
        for (String module : PluginModules.on(loader).moduleClasses()) {
            List<String> copies = locations(loader, module);
            if (copies.size() > 1) {
                throw new PluginException("plugin error: the plugin module " + module + " is in " + String.join(" and in ", copies)
                        + ": two copies of one plugin, of which only the first on the class path would be used. Fix: remove"
                        + " one of them (a jar of fmnist's own, such as fmnist-models, never belongs in " + folder + ").", null);
            }
        }
    }

    private static List<Path> jarsIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugins folder " + folder, e);
        }
    }

    /** Every jar or folder of the class path holding {@code className}. */
    private static List<String> locations(ClassLoader loader, String className) {
        Set<String> where = new LinkedHashSet<>();
        try {
            for (URL url : Collections.list(loader.getResources(className.replace('.', '/') + ".class"))) {
                where.add(PluginModules.locationOf(url, className.chars().filter(c -> c == '.').count() + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look up " + className + " on the class path", e);
        }
        return new ArrayList<>(where);
    }
}
