package org.fmnist.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecLoaderTest {
    private static final String MINIMAL = "name: trial\nmodel:\n  type: dense\n";

    @TempDir
    Path dir;

    private final SpecLoader loader = new SpecLoader();

    private Path spec(String yaml) throws IOException {
        return Files.writeString(dir.resolve("spec.yaml"), yaml);
    }

    private ResolvedSpec load(String yaml, List<String> overrides, Map<String, String> env) throws IOException {
        return loader.load(spec(yaml), overrides, env);
    }

    private SpecException failure(String yaml, String... overrides) {
        return assertThrows(SpecException.class, () -> load(yaml, List.of(overrides), Map.of()));
    }

    private static void assertMentions(SpecException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' missing from:\n" + e.getMessage());
        }
    }

    @Test
    void fillsInTheBuiltInDefaults() throws IOException {
        ExperimentSpec s = load(MINIMAL, List.of(), Map.of()).spec();

        assertEquals("trial", s.name());
        assertEquals(42, s.seed());
        assertEquals(10, s.training().epochs());
        assertEquals(32, s.training().batchSize());
        assertEquals(Optimizer.ADAM, s.training().optimizer());
        assertEquals(0.001, s.training().learningRate());
        assertEquals(List.of("mlflow"), s.tracking().type());
        assertEquals("mlruns", s.tracking().settingsOf("mlflow").get("store"));
        assertEquals("runs", s.output().dir());
        assertTrue(s.data().download());
        assertNull(s.data().dir());
        assertEquals(new PluginSpec("dense", Map.of()), s.model());
    }

    @Test
    void layersDefaultsFileEnvironmentAndOverridesInThatOrder() throws IOException {
        String yaml = MINIMAL + "seed: 1\ntraining:\n  epochs: 2\n  batch_size: 64\n  learning_rate: 0.01\n";
        Map<String, String> env = Map.of("FMNIST_TRAINING__BATCH_SIZE", "128", "FMNIST_TRAINING__LEARNING_RATE", "0.02",
                "FMNIST_DATA", "/not/a/key", "PATH", "/usr/bin");

        ResolvedSpec r = load(yaml, List.of("training.learning_rate=0.03"), env);

        assertEquals(1, r.spec().seed());                               // file over defaults
        assertEquals(2, r.spec().training().epochs());                  // file
        assertEquals(128, r.spec().training().batchSize());             // environment over file
        assertEquals(0.03, r.spec().training().learningRate());         // command line over environment
        assertEquals(Optimizer.ADAM, r.spec().training().optimizer());  // defaults where nobody says
        assertEquals(Map.of("FMNIST_TRAINING__BATCH_SIZE", "128", "FMNIST_TRAINING__LEARNING_RATE", "0.02"),
                r.environment());
        assertEquals("command line", r.sourceOf("training.learning_rate"));
        assertEquals("environment variable FMNIST_TRAINING__BATCH_SIZE", r.sourceOf("training.batch_size"));
        assertEquals(dir.resolve("spec.yaml") + ":6", r.sourceOf("training.epochs"), "the file and the key's line");
        assertEquals("built-in defaults", r.sourceOf("training.optimizer"));
    }

    @Test
    void overridesKeepYamlTypesAndReachModelParameters() throws IOException {
        ResolvedSpec r = load(MINIMAL, List.of("model.hidden=64", "data.download=false", "name=other",
                "model.sizes=[1, 2]", "model.type=dense"), Map.of());

        assertEquals(64, r.spec().model().params().get("hidden"));
        assertEquals(List.of(1, 2), r.spec().model().params().get("sizes"));
        assertEquals(false, r.spec().data().download());
        assertEquals("other", r.spec().name());
        assertEquals(List.of("model.hidden=64", "data.download=false", "name=other", "model.sizes=[1, 2]",
                "model.type=dense"), r.overrides());
    }

    @Test
    void modelEqualsATypeReplacesTheWholeModelSectionAndSaysWhatItDropped() throws IOException {
        String dense = "name: trial\nmodel:\n  type: dense\n  hidden: 64\n  activation: tanh\n";

        ResolvedSpec r = load(dense, List.of("model=cnn", "model.dropout=0.25"), Map.of());

        assertEquals("cnn", r.spec().model().type());
        assertEquals(Map.of("dropout", 0.25), r.spec().model().params());
        assertEquals(List.of("model=cnn: the model section is model type cnn at its defaults; dropped model.activation, model.hidden"),
                r.notes());
        assertEquals(List.of("model=cnn", "model.dropout=0.25"), r.overrides(), "the command as given, for the run's records");
    }

    @Test
    void modelEqualsAPresetTakesItsKeysWithItsFileAsTheirSource() throws IOException {
        Path preset = Files.createDirectories(dir.resolve("model")).resolve("wide.yaml");
        Files.writeString(preset, "type: cnn\nfilters1: 8\nfilters2: 16\n");

        ResolvedSpec r = load(MINIMAL + "  hidden: 64\n", List.of("model=wide", "model.filters2=4"),
                Map.of("FMNIST_MODEL__ACTIVATION", "tanh"));

        assertEquals("cnn", r.spec().model().type());
        assertEquals(Map.of("filters1", 8, "filters2", 4), r.spec().model().params());
        assertEquals(preset + ":2", r.sourceOf("model.filters1"), "the preset file and the key's line");
        assertEquals("command line", r.sourceOf("model.filters2"));
        assertTrue(r.notes().get(0).contains("the preset " + preset) && r.notes().get(0).contains("dropped model.activation, model.hidden"),
                r.notes().toString());
    }

    @Test
    void modelTypeNamingAnotherTypeReplacesTheSectionButTheSameTypeKeepsIt() throws IOException {
        String dense = "name: trial\nmodel:\n  type: dense\n  hidden: 64\n";

        assertEquals(Map.of(), load(dense, List.of("model.type=cnn"), Map.of()).spec().model().params());
        ResolvedSpec same = load(dense, List.of("model.type=dense"), Map.of());
        assertEquals(Map.of("hidden", 64), same.spec().model().params());
        assertEquals(List.of(), same.notes());
    }

    @Test
    void aPresetWithoutATypeIsReported() throws IOException {
        Files.writeString(Files.createDirectories(dir.resolve("model")).resolve("untyped.yaml"), "filters1: 8\n");

        assertMentions(failure(MINIMAL, "model=untyped"), "untyped.yaml", "must name its model type");
    }

    @Test
    void augmentEqualsAPresetReplacesTheWholeListAndNoneEmptiesIt() throws IOException {
        Path preset = Files.createDirectories(dir.resolve("augment")).resolve("light.yaml");
        Files.writeString(preset, "augment:\n  - type: flip\n    probability: 0.5\n");
        String augmented = MINIMAL + "augment:\n  - type: translate\n    pixels: 2\n  - type: rotate\n";

        ResolvedSpec light = load(augmented, List.of("augment=light"), Map.of());
        assertEquals(List.of(new PluginSpec("flip", Map.of("probability", 0.5))), light.spec().augment());
        assertEquals(preset + ":3", light.sourceOf("augment[0].probability"), "the preset file and the key's line");
        assertEquals(List.of("augment=light: the augmentations of " + preset), light.notes());

        assertEquals(List.of(), load(augmented, List.of("augment=none"), Map.of()).spec().augment());
    }

    @Test
    void anUnknownAugmentPresetNamesThoseThereAre() throws IOException {
        Path presets = Files.createDirectories(dir.resolve("augment"));
        Files.writeString(presets.resolve("light.yaml"), "augment:\n  - type: flip\n");
        Files.writeString(presets.resolve("stray.yaml"), "augment: []\ntraining:\n  epochs: 3\n");

        assertMentions(failure(MINIMAL, "augment=lite"), "command line: augment: there is no augmentation preset", "lite.yaml",
                "augment=none or one of [light, stray]");
        assertMentions(failure(MINIMAL, "augment=stray"), "stray.yaml", "holds the 'augment' list only, not [training]");
    }

    @ParameterizedTest
    @CsvSource({"local", "local[2]", "local[*]", "'local[4,3]'", "spark://127.0.0.1:7077", "'spark://a:7077,b:7077'", "yarn",
            "k8s://https://10.0.0.1:6443"})
    void everySparkMasterFormIsTaken(String master) throws IOException {
        assertEquals(master, load(MINIMAL, List.of("sweep.spark.master=" + master), Map.of()).spec().sweep().spark().master());
    }

    @ParameterizedTest
    @CsvSource({"not a url", "spark://127.0.0.1", "local[two]", "http://127.0.0.1:7077"})
    void aMalformedSparkMasterIsRefusedWhenTheSpecIsRead(String master) {
        assertMentions(failure(MINIMAL, "sweep.spark.master=" + master), "command line: sweep.spark.master: is '" + master
                + "'; it must be local, local[N], local[*], spark://HOST:PORT");
    }

    @Test
    void aSweepGridKeepsItsDottedKeysAndEveryValue() throws IOException {
        String yaml = MINIMAL + "sweep:\n  metric: test_loss\n  grid:\n    model.hidden: [32, 64, 128]\n"
                + "    training.learning_rate: [0.001]\n";

        SweepSpec sweep = load(yaml, List.of(), Map.of()).spec().sweep();

        assertEquals(Map.of("model.hidden", List.of("32", "64", "128"), "training.learning_rate", List.of("0.001")), sweep.grid());
        assertEquals("test_loss", sweep.metric());
        assertEquals(1, sweep.parallel());
        assertTrue(load(MINIMAL, List.of(), Map.of()).spec().sweep().isEmpty(), "no grid: a single run");
    }

    /** YAML reads 0.0005 as a double, which Java prints 5.0E-4: a grid keeps the value as it was written. */
    @Test
    void aSweepsSmallNumbersKeepTheFormTheyWereWrittenIn() throws IOException {
        SweepSpec sweep = load(MINIMAL, List.of("sweep.grid={training.learning_rate: [0.0005, 0.001, 1.0E-4]}",
                "sweep.space={model.hidden: {choice: [0.00002, 8]}}"), Map.of()).spec().sweep();

        assertEquals(List.of("0.0005", "0.001", "0.0001"), sweep.grid().get("training.learning_rate"));
        assertEquals(List.of("0.00002", "8"), sweep.space().get("model.hidden").choice());
    }

    @Test
    void aSweepParallelismOutOfRangeIsReported() {
        assertMentions(failure(MINIMAL + "sweep:\n  parallel: 0\n"), "sweep.parallel", "between 1 and 64");
    }

    @Test
    void theLastOverrideOfAKeyWins() throws IOException {
        assertEquals(5, load(MINIMAL, List.of("training.epochs=3", "training.epochs=5"), Map.of()).spec().training().epochs());
    }

    @Test
    void anUnknownKeyNamesTheFileTheKeyAndTheKnownKeys() {
        SpecException e = failure(MINIMAL + "training:\n  epoch: 3\n");

        assertMentions(e, dir.resolve("spec.yaml").toString(), "training.epoch", "unknown key",
                "batch_size", "epochs", "learning_rate");
    }

    @Test
    void anUnknownTopLevelKeyIsReported() {
        assertMentions(failure(MINIMAL + "epochs: 3\n"), "epochs: unknown key", "the top level", "training");
    }

    @Test
    void anUnknownKeyFromTheCommandLineNamesTheOverride() {
        assertMentions(failure(MINIMAL, "training.epoch=3"), "command line: training.epoch: unknown key");
    }

    @Test
    void aWrongTypeSaysWhatIsAllowed() {
        assertMentions(failure(MINIMAL + "training:\n  epochs: ten\n"), "training.epochs", "'ten'", "a whole number");
        assertMentions(failure(MINIMAL, "training.learning_rate=fast"), "command line: training.learning_rate:",
                "a number");
        assertMentions(failure(MINIMAL, "data.download=maybe"), "data.download", "true or false");
    }

    /** A value not exactly of its key's type is refused, wherever it came from, in words, never cut or converted. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "file        | training:\\n  epochs: 1.5    | spec.yaml:5: training.epochs: '1.5' is not a whole number",
            "override    | training.epochs=1.5          | command line: training.epochs: '1.5' is not a whole number",
            "environment | FMNIST_TRAINING__EPOCHS=1.5  | environment variable FMNIST_TRAINING__EPOCHS: training.epochs: '1.5' is not a whole number",
            "override    | training.epochs=true         | command line: training.epochs: 'true' is not a whole number",
            "override    | training.epochs=[3, 4]       | command line: training.epochs: '[3,4]' is not a whole number",
            "override    | training.learning_rate=true  | command line: training.learning_rate: 'true' is not a number",
            "override    | data.download=1              | command line: data.download: '1' is not true or false",
            "override    | data.download=nope           | command line: data.download: 'nope' is not true or false",
            "file        | training:\\n  batch_size: '64' | spec.yaml:5: training.batch_size: '64' is not a whole number"})
    void aValueOfTheWrongKindIsRefusedInWords(String from, String value, String message) {
        String yaml = MINIMAL + (from.equals("file") ? value.replace("\\n", "\n") + "\n" : "");
        List<String> overrides = from.equals("override") ? List.of(value) : List.of();
        Map<String, String> env = from.equals("environment")
                ? Map.of(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1)) : Map.of();

        SpecException e = assertThrows(SpecException.class, () -> load(yaml, overrides, env));

        assertMentions(e, message);
        assertFalse(e.getMessage().contains("`") || e.getMessage().contains("java") || e.getMessage().contains("Cannot"),
                e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnceEachWithTheLineOfItsFile() {
        String yaml = MINIMAL + "training:\n  epochs: 1.5\n  epoch: 3\n  batch_size: x\n  validation_split: 2\n";

        SpecException e = assertThrows(SpecException.class, () -> load(yaml, List.of("training.learning_rate=fast"), Map.of()));

        assertMentions(e, "spec.yaml:5: training.epochs: '1.5' is not a whole number", "spec.yaml:6: training.epoch: unknown key",
                "spec.yaml:7: training.batch_size: 'x' is not a whole number", "spec.yaml:8: training.validation_split",
                "command line: training.learning_rate: 'fast' is not a number");
        assertEquals(5, e.problems().size(), e.getMessage());
    }

    @Test
    void anUnknownOptimizerListsTheKnownOnes() {
        assertMentions(failure(MINIMAL + "training:\n  optimizer: adamw\n"), "training.optimizer", "adamw",
                "adam, nadam, amsgrad, sgd, nesterovs, rmsprop");
    }

    @Test
    void aSectionGivenAsAValueIsReported() {
        assertMentions(failure(MINIMAL + "training: fast\n"), "training", "'fast'", "section");
        assertMentions(failure(MINIMAL + "training:\n  epochs:\n    a: 1\n"), "training.epochs", "section");
    }

    @Test
    void outOfRangeValuesAreAllReportedAtOnce() {
        SpecException e = failure(MINIMAL + "training:\n  epochs: 0\n  batch_size: -1\n  learning_rate: 0\n"
                + "  validation_split: 1.5\noutput:\n  samples: 500\n");

        assertEquals(5, e.problems().size(), e.getMessage());
        assertMentions(e, "training.epochs", "training.batch_size", "training.learning_rate",
                "training.validation_split", "output.samples", "fix:");
    }

    @Test
    void trainingToolsAndTestTimeViewsAreChecked() throws IOException {
        SpecException e = failure(MINIMAL + "training:\n  epochs: 5\n  warmup_epochs: 5\n  label_smoothing: 1.5\n"
                + "  weight_decay: -0.1\n");
        assertEquals(3, e.problems().size(), e.getMessage());
        assertMentions(e, "training.warmup_epochs", "below training.epochs", "training.label_smoothing", "is 1.5",
                "training.weight_decay");
        assertMentions(failure(MINIMAL, "evaluation.tta=[rotate]"), "evaluation.tta", "rotate", "flip", "shift");

        ExperimentSpec spec = load(MINIMAL, List.of("evaluation.tta=[flip,shift]", "training.label_smoothing=0.1"), Map.of()).spec();
        assertEquals(List.of(org.fmnist.core.eval.TestTimeAugmentation.FLIP, org.fmnist.core.eval.TestTimeAugmentation.SHIFT),
                spec.evaluation().tta());
        assertEquals(0.1, spec.training().labelSmoothing());
        assertEquals(List.of(), load(MINIMAL, List.of(), Map.of()).spec().evaluation().tta(), "no views by default");
        assertEquals(List.of(org.fmnist.core.eval.TestTimeAugmentation.FLIP),
                load(MINIMAL, List.of("evaluation.tta=[flip,flip]"), Map.of()).spec().evaluation().tta(), "a view counts once");
    }

    @Test
    void nameAndModelTypeAreRequired() {
        SpecException e = failure("seed: 3\n");

        assertMentions(e, "name: is required", "model.type: is required", "runner models");
    }

    @Test
    void severalTrackersEachWithTheirOwnSection() throws IOException {
        ExperimentSpec s = load(MINIMAL, List.of("tracking.type=[mlflow, none]", "tracking.mlflow.uri=http://127.0.0.1:5000"), Map.of()).spec();

        assertEquals(List.of("mlflow", "none"), s.tracking().type());
        assertEquals(Map.of("store", "mlruns", "uri", "http://127.0.0.1:5000"), s.tracking().settingsOf("mlflow"));
        assertEquals(Map.of(), s.tracking().settingsOf("none"));
    }

    @Test
    void theLayoutFromBeforeTrackerPluginsReadsAsTheNamedTrackersKeys() throws IOException {
        // results/ holds run folders saved in this layout; `runner rerun` must still read them.
        ExperimentSpec s = load(MINIMAL + "tracking:\n  type: mlflow\n  uri: http://127.0.0.1:5000\n  experiment: null\n  store: old-runs\n",
                List.of(), Map.of()).spec();

        assertEquals(List.of("mlflow"), s.tracking().type());
        assertEquals(Map.of("store", "old-runs", "uri", "http://127.0.0.1:5000"), s.tracking().settingsOf("mlflow"));
    }

    @Test
    void aTrackerSectionMustHoldKeys() {
        assertMentions(failure(MINIMAL, "tracking.mlflow=5"), "tracking.mlflow", "section");
    }

    @Test
    void aNameMustBeUsableAsAFolder() {
        assertMentions(failure("name: ../up\nmodel: {type: dense}\n"), "name", "cannot name a folder");
    }

    @Test
    void malformedYamlNamesTheFileAndTheLine() {
        SpecException e = failure("name: x\nmodel:\n  type: dense\n   hidden: [1, 2\n");

        assertMentions(e, dir.resolve("spec.yaml").toString(), "not a valid YAML mapping", "line");
    }

    @Test
    void aMissingOrEmptyFileIsReported() throws IOException {
        SpecException missing = assertThrows(SpecException.class,
                () -> loader.load(dir.resolve("nope.yaml"), List.of(), Map.of()));
        assertMentions(missing, "nope.yaml", "does not exist");
        assertMentions(failure("  \n"), "is empty");
        assertMentions(failure("just text\n"), "not a valid YAML mapping");
    }

    @Test
    void anOverrideWithoutAValueIsReported() {
        assertMentions(failure(MINIMAL, "training.epochs"), "training.epochs", "key=value");
        assertMentions(failure(MINIMAL, "Training.Epochs=3"), "key=value");
    }

    @Test
    void aCamelCaseKeyIsGivenItsSnakeCaseSpelling() {
        assertMentions(failure(MINIMAL, "training.batchSize=64"), "training.batchSize", "camelCase",
                "fix: write training.batch_size=64");
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() {
        SpecException e = assertThrows(SpecException.class,
                () -> load(MINIMAL, List.of(), Map.of("FMNIST_TRAINING__EPOCHS", "many")));

        assertMentions(e, "environment variable FMNIST_TRAINING__EPOCHS", "a whole number");
    }

    @Test
    void theResolvedSpecWritesBackToYamlThatLoadsToTheSameSpec() throws IOException {
        ResolvedSpec r = load(MINIMAL + "model:\n  type: dense\n  hidden: 16\n", List.of("training.epochs=4"), Map.of());
        String written = loader.mapper().write(r.spec());

        ExperimentSpec reread = loader.load(Files.writeString(dir.resolve("again.yaml"), written), List.of(), Map.of()).spec();

        assertEquals(r.spec(), reread);
    }
}
