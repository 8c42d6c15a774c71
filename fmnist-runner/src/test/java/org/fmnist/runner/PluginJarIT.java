package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.runner.RunnerScript.Outcome;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/extending.md's "Adding a model module", done the way a user does it: fmnist-core installed into a
 * local Maven repository, {@code examples/fmnist-model-example} built on its own (its test uses fmnist-testkit, installed too) with the root's
 * {@code mvnw}, its jar copied into a plugins folder, and the real {@code runner} script listing and
 * training its {@code deep-mlp} model. A jar that names a missing module class is one message.
 *
 * <p>Failsafe runs this after {@code package}, so {@code fmnist-runner/target/fmnist-runner.jar}
 * and {@code target/lib} exist and are newer than every source (fmnist-runner's pom makes the jar
 * plugin rewrite the jar on every build), and the script starts them without rebuilding anything.
 *
 * <p>fmnist-core goes into a scratch repository chained to the build's own ({@code maven.repo.local.tail},
 * read-only), not into {@code ~/.m2} itself: the test needs no network beyond what the build had, and
 * running it leaves the user's repository as it was. The nested builds are offline when this build is.
 */
class PluginJarIT {
    private static final Path ROOT = RunnerScript.ROOT;
    private static final Path EXAMPLE = ROOT.resolve("examples/fmnist-model-example");
    private static final String SPEC = "examples/fmnist-model-example/deep-mlp.yaml";
    /** 784·128+128 + 128·128+128 + 128·10+10: the example's defaults, as its own test counts them. */
    private static final long DEEP_MLP_PARAMETERS = 118_282;

    @TempDir
    static Path dir;
    static Path plugins;

    @BeforeAll
    static void buildTheExamplePluginAsTheReadmeSays() throws Exception {
        Outcome install = maven("-f", ROOT.resolve("pom.xml").toString(), "-pl", ":fmnist-parent,:fmnist-testkit,:fmnist-plugin-archetype",
                "-am", "install", "-DskipTests");
        assertEquals(0, install.exit(), "installing fmnist-core, fmnist-testkit and the archetype: " + install.both());

        // package also runs the example's own unit tests, as it does for a user.
        Outcome example = maven("-f", EXAMPLE.resolve("pom.xml").toString(), "package");
        assertEquals(0, example.exit(), "building the example: " + example.both());

        plugins = Files.createDirectories(dir.resolve("plugins"));
        try (Stream<Path> built = Files.list(EXAMPLE.resolve("target"))) {
            for (Path jar : built.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
    }

    @Test
    void runnerModelsListsThePluginsModelWithItsKeys() throws Exception {
        Outcome models = runner(plugins, "models");

        assertEquals(0, models.exit(), models.both());
        assertTrue(models.out().lines().anyMatch(l -> l.startsWith("deep-mlp ")), models.both());
        assertTrue(models.out().contains("model.dropout") && models.out().contains("model.layers"), models.both());
        assertTrue(models.out().lines().anyMatch(l -> l.startsWith("dense ")), "fmnist's own models stay: " + models.both());
    }

    /** The plugin folder, not something else on the classpath, is where deep-mlp comes from. */
    @Test
    void withoutTheJarTheModelIsNotThere() throws Exception {
        Outcome models = runner(Files.createDirectories(dir.resolve("no-plugins")), "models");

        assertEquals(0, models.exit(), models.both());
        assertFalse(models.out().contains("deep-mlp"), models.both());
    }

    @Test
    void theRunnerTrainsTheExampleSpecWithThePluginsModel() throws Exception {
        Path runs = dir.resolve("runs");
        Outcome run = runner(plugins, SPEC, "training.epochs=1", "data.train_limit=2000", "data.test_limit=500",
                "output.dir=" + runs, "tracking.type=none", "output.samples=0");

        assertEquals(0, run.exit(), run.both());
        Path folder;
        try (Stream<Path> found = Files.list(runs.resolve("deep-mlp"))) {
            folder = found.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
        JsonNode metrics = new ObjectMapper().readTree(folder.resolve("metrics.json").toFile());
        assertEquals("deep-mlp", metrics.get("model").asText());
        assertEquals(DEEP_MLP_PARAMETERS, metrics.get("parameters").asLong());
        assertEquals(1, metrics.get("epochs").size());
        assertEquals(500, metrics.get("test").get("images").asInt());
    }

    /**
     * docs/extending.md's first steps: a plugin project from the archetype in one command, built (its test
     * runs fmnist-testkit's check), its jar dropped in a plugins folder, and its model trained by name from
     * fmnist's own baseline spec, without writing a spec.
     */
    @Test
    void aPluginFromTheArchetypeBuildsPassesTheKitAndRunsByModelName() throws Exception {
        Path projects = Files.createDirectories(dir.resolve("projects"));
        Outcome generate = maven("-f", ROOT.resolve("pom.xml").toString(), "archetype:generate", "-DinteractiveMode=false",
                "-DarchetypeGroupId=org.fmnist", "-DarchetypeArtifactId=fmnist-plugin-archetype",
                "-DarchetypeVersion=0.1.0-SNAPSHOT", "-DgroupId=org.acme", "-DartifactId=acme-model",
                "-Dpackage=org.acme.fmnist", "-Dmodel=acme-mlp", "-DmodelClass=AcmeMlp", "-DoutputDirectory=" + projects);
        assertEquals(0, generate.exit(), "generating from the archetype: " + generate.both());

        Path project = projects.resolve("acme-model");
        Outcome build = maven("-f", project.resolve("pom.xml").toString(), "package");
        assertEquals(0, build.exit(), "building the generated plugin, with its kit test: " + build.both());
        assertTrue(Files.exists(project.resolve("target/surefire-reports/TEST-org.acme.fmnist.AcmeMlpTest.xml")),
                "the kit's test ran");
        Path acmePlugins = Files.createDirectories(dir.resolve("acme-plugins"));
        Files.copy(project.resolve("target/acme-model-1.0-SNAPSHOT.jar"), acmePlugins.resolve("acme-model.jar"));

        Path runs = dir.resolve("acme-runs");
        Outcome run = runner(acmePlugins, "experiments/baseline.yaml", "model=acme-mlp", "training.epochs=1",
                "data.train_limit=2000", "data.test_limit=500", "output.dir=" + runs, "tracking.type=none", "output.samples=0");

        assertEquals(0, run.exit(), run.both());
        assertTrue(run.out().contains("model=acme-mlp: the model section is model type acme-mlp at its defaults"), run.both());
        Path folder;
        try (Stream<Path> found = Files.list(runs.resolve("baseline"))) {
            folder = found.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
        assertEquals("acme-mlp", new ObjectMapper().readTree(folder.resolve("metrics.json").toFile()).get("model").asText());
    }

    @Test
    void aJarNamingAMissingModuleClassIsOneMessageNamingTheJarAndExit2() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken-plugins"));
        try (OutputStream file = Files.newOutputStream(broken.resolve("broken-plugin.jar"));
             JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + PluginModule.class.getName()));
            jar.write("com.example.NoSuchModule\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }

        Outcome models = runner(broken, "models");

        assertEquals(2, models.exit(), models.both());
        List<String> message = models.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, message.size(), "one message: " + models.both());
        assertTrue(message.get(0).startsWith("plugin error: com.example.NoSuchModule"), models.both());
        assertTrue(message.get(0).contains("broken-plugin.jar"), models.both());
        assertFalse((models.out() + models.err()).contains("\tat "), "no stack trace: " + models.both());
    }

    @Test
    void runnerPluginsListsEveryJarWithItsModulesAndNames() throws Exception {
        Outcome listed = runner(plugins, "plugins");

        assertEquals(0, listed.exit(), listed.both());
        List<String> lines = listed.out().lines().toList();
        int jar = lines.indexOf(plugins.resolve("fmnist-model-example-0.1.0-SNAPSHOT.jar").toString());
        assertTrue(jar >= 0, "the plugin's jar: " + listed.both());
        assertEquals("  org.example.fmnist.DeepMlpModule: model deep-mlp", lines.get(jar + 1), listed.both());
        assertTrue(lines.contains("  org.fmnist.models.ModelsModule: model dense, model cnn, model cnn-deep, model resnet"),
                "fmnist's own: " + listed.both());
        assertTrue(listed.out().contains("command ui, command register, command sync"), listed.both());
    }

    /** The JVM passes over a class-path jar it cannot read; the runner names it instead. */
    @Test
    void aTruncatedJarIsOneMessageNamingItAndExit2() throws Exception {
        Path truncated = Files.createDirectories(dir.resolve("truncated-plugins"));
        byte[] whole = Files.readAllBytes(plugins.resolve("fmnist-model-example-0.1.0-SNAPSHOT.jar"));
        Files.write(truncated.resolve("deep-mlp.jar"), java.util.Arrays.copyOf(whole, whole.length / 2));

        for (String command : List.of("models", SPEC)) {
            Outcome o = runner(truncated, command);

            assertEquals(2, o.exit(), o.both());
            List<String> message = o.err().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, message.size(), "one message: " + o.both());
            assertTrue(message.get(0).startsWith("plugin error: " + truncated.resolve("deep-mlp.jar") + " is not a readable jar"),
                    o.both());
        }
    }

    /** Of two copies of a module the class path would silently use the first; the runner names both. */
    @Test
    void aSecondCopyOfFmnistModelsIsOneMessageNamingBothJarsAndExit2() throws Exception {
        Path doubled = Files.createDirectories(dir.resolve("doubled-plugins"));
        Path ownModels;
        try (Stream<Path> lib = Files.list(ROOT.resolve("fmnist-runner/target/lib"))) {
            ownModels = lib.filter(p -> p.getFileName().toString().startsWith("fmnist-models-")).findFirst().orElseThrow();
        }
        Files.copy(ownModels, doubled.resolve("fmnist-models-copy.jar"));

        Outcome o = runner(doubled, "models");

        assertEquals(2, o.exit(), o.both());
        assertTrue(o.err().startsWith("plugin error: the plugin module org.fmnist.models.ModelsModule is in "), o.both());
        assertTrue(o.err().contains(ROOT.relativize(ownModels).toString()) && o.err().contains(doubled.resolve("fmnist-models-copy.jar").toString()),
                "both jars: " + o.both());
        assertFalse(o.out().contains("dense"), o.both());
    }

    /** {@code ROOT/runner ARGS} from the root, with {@code pluginFolder} as FMNIST_PLUGINS. */
    private static Outcome runner(Path pluginFolder, String... args) throws Exception {
        return RunnerScript.run(dir, Map.of("FMNIST_PLUGINS", pluginFolder.toString()), args);
    }

    /** The root's Maven wrapper with a scratch local repository in front of the build's own. */
    private static Outcome maven(String... args) throws Exception {
        String buildRepository = System.getProperty("fmnist.it.localRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        // A build that chains repositories itself passes its tail on; when it gives none, Maven
        // leaves the expression in the pom as it is.
        String buildTail = System.getProperty("fmnist.it.localRepositoryTail", "");
        String tail = buildTail.isBlank() || buildTail.startsWith("${") ? buildRepository : buildRepository + "," + buildTail;
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-q",
                "-Dmaven.repo.local=" + dir.resolve("m2"), "-Dmaven.repo.local.tail=" + tail));
        if (Boolean.getBoolean("fmnist.it.offline")) {
            command.add("-o");
        }
        command.addAll(List.of(args));
        return RunnerScript.run(new ProcessBuilder(command), dir, "maven");
    }
}
