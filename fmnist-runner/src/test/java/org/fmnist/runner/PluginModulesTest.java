package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.example.brokenplugin.NeedsAMissingLibrary;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.runner.extension.ExtensionsModule;
import org.fmnist.runner.extension.LinkageBrokenModule;
import org.fmnist.runner.extension.SecondDenseModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins are found through their jar's service file, and a broken one is one message naming the
 * jar. The modules' classes are on the test classpath; each jar made here holds only the service
 * file that declares them, which is what decides whether the runner uses them.
 */
class PluginModulesTest {
    @TempDir
    Path dir;

    /** A jar whose service file lists {@code moduleClasses}. */
    private URL jar(String name, String... moduleClasses) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/services/" + PluginModule.class.getName()));
            out.write((String.join("\n", moduleClasses) + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar.toUri().toURL();
    }

    private static Invocation invocation() {
        return new Invocation(System.out, System.err, false, Map.of(), java.time.Clock.systemUTC());
    }

    @Test
    void aJarsModuleJoinsFmnistsOwnInTheOneInjector() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar("extensions.jar", ExtensionsModule.class.getName())},
                getClass().getClassLoader())) {
            Registry registry = PluginModules.on(loader).injector(new RunnerModule(invocation(), NativeMemoryGuard.unchanged()))
                    .getInstance(Registry.class);

            assertTrue(registry.models().keySet().containsAll(java.util.Set.of("dense", "cnn", "softmax")),
                    registry.models().keySet().toString());
            assertTrue(registry.augmentations().containsKey("invert"));
        }
    }

    @Test
    void withoutTheJarTheModuleIsNotThere() {
        Registry registry = PluginModules.on(getClass().getClassLoader())
                .injector(new RunnerModule(invocation(), NativeMemoryGuard.unchanged())).getInstance(Registry.class);

        assertFalse(registry.models().containsKey("softmax"));
    }

    @Test
    void aNameTakenAlreadyIsRefusedNamingTheJarAndTheName() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar("second-dense.jar", SecondDenseModule.class.getName())},
                getClass().getClassLoader())) {
            PluginException e = assertThrows(PluginException.class, () -> PluginModules.on(loader)
                    .injector(new RunnerModule(invocation(), NativeMemoryGuard.unchanged())));

            assertTrue(e.getMessage().contains("'dense'"), e.getMessage());
            assertTrue(e.getMessage().contains("second-dense.jar"), e.getMessage());
            assertTrue(e.getMessage().contains("org.fmnist.models.ModelsModule"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void aModuleClassTheJarLacksIsRefusedNamingTheJarAndTheClass() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar("broken.jar", "com.example.NoSuchModule")},
                getClass().getClassLoader())) {
            PluginException e = assertThrows(PluginException.class, () -> PluginModules.on(loader).load());

            assertTrue(e.getMessage().contains("broken.jar") && e.getMessage()
                    .contains("class com.example.NoSuchModule is not in the jar"), e.getMessage());
        }
    }

    @Test
    void aModuleMissingAClassItNeedsIsRefusedNamingTheJarAndTheClass() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar("linkage.jar", LinkageBrokenModule.class.getName())},
                getClass().getClassLoader())) {
            PluginException e = assertThrows(PluginException.class, () -> PluginModules.on(loader)
                    .injector(new RunnerModule(invocation(), NativeMemoryGuard.unchanged())));

            assertTrue(e.getMessage().startsWith("plugin error: " + LinkageBrokenModule.class.getName() + " (")
                    && e.getMessage().contains("linkage.jar") && e.getMessage().contains("class com.example.GoneLibrary is missing"),
                    e.getMessage());
        }
    }

    @Test
    void aPluginWhoseModelCannotBeCreatedStopsEveryCommandNamingTheModuleAndTheJar() throws IOException {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar("needs-a-lib.jar",
                NeedsAMissingLibrary.class.getName())}, getClass().getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "keys");

            assertEquals(2, o.exit());
            assertTrue(o.err().startsWith("plugin error: " + NeedsAMissingLibrary.Model.class.getName() + ", from "
                    + NeedsAMissingLibrary.class.getName() + " (")
                    && o.err().contains("needs-a-lib.jar") && o.err().contains("class com.example.GoneLibrary is missing"),
                    o.err());
            assertFalse(o.err().contains("\tat "), o.err());
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    @Test
    void theRunnerSaysSoAndExitsWith2() throws IOException {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar("broken.jar", "com.example.NoSuchModule")},
                getClass().getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "models");

            assertEquals(2, o.exit());
            assertTrue(o.err().startsWith("plugin error: com.example.NoSuchModule (") && o.err().contains("broken.jar"), o.err());
            assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }
}
