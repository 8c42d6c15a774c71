package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every shipped experiment and every model, one short epoch on a slice of the real data, through the runner. */
class ModelAndAugmentationSmokeTest {
    @TempDir
    Path out;

    /** Each shipped spec, each registered model and each augmentation, with the arguments that pick them. */
    private static final List<String> EXPERIMENTS = List.of("baseline.yaml", "baseline-captioned.yaml", "cnn.yaml",
            "cnn-augmented.yaml", "cnn-light-augmented.yaml", "cnn-wide-light-augmented.yaml", "cnn-deep-augmented.yaml",
            "cnn-deep-augmented-lowdrop.yaml", "cnn-deep-long.yaml", "cnn-deep-long-erase.yaml", "cnn-deep-longer.yaml", "cnn-deep-wide.yaml",
            "resnet-long.yaml",
            "sweep-dense.yaml --point=6", "sweep-cnn-shape.yaml --point=1", "search-cnn.yaml --point=36",
            "cnn-wide-seeds.yaml --point=1", "sweep-resnet-shape.yaml --point=1", "sweep-resnet-size.yaml --point=4", "sweep-model-family.yaml --point=2",
            "cnn.yaml model.type=cnn-deep", "cnn.yaml model.type=resnet", "cnn.yaml augment=[{type: rotate, degrees: 15}, {type: erase}]",
            "baseline.yaml model=cnn", "cnn.yaml model=cnn-wide", "cnn.yaml model=cnn-deep-long", "cnn.yaml model=resnet-long",
            "cnn.yaml augment=light", "cnn.yaml augment=full", "cnn-augmented.yaml augment=none");

    /** The training step fmnist-engine has for some of them, which the run names on its model line. */
    /** The test images the runs below score (data.test_limit=200). */
    private static final Split TEST_IMAGES = DataLocator.standard(null, DataLocator.defaultCache(System.getenv()),
            Optional.empty(), System.getenv()).load().test().head(200);
    private static final Map<String, String> STEPS = Map.of("cnn.yaml", "FusedCnnTraining",
            "cnn.yaml model.type=cnn-deep", "FusedCnnTraining", "cnn.yaml model.type=resnet", "FusedGraphTraining", "resnet-long.yaml", "FusedGraphTraining");

    static List<String> experiments() {
        return EXPERIMENTS;
    }

    @ParameterizedTest
    @MethodSource("experiments")
    void runsOnASlice(String experiment) throws Exception {
        String[] words = experiment.split(" ", 2);
        List<String> args = new java.util.ArrayList<>(List.of("../experiments/" + words[0],
                "data.train_limit=640", "data.test_limit=200", "training.epochs=1", "output.dir=" + out,
                "tracking.type=none", "captioning.samples=50"));
        if (words.length > 1) {
            args.add(words[1]);
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = RunnerMain.execute(args.toArray(String[]::new), new PrintStream(console, true, StandardCharsets.UTF_8),
                new PrintStream(errors, true, StandardCharsets.UTF_8), Map.of());

        assertEquals(0, exit, console + errors.toString(StandardCharsets.UTF_8));
        if (words.length > 1 && words[1].startsWith("model=")) {
            assertTrue(console.toString(StandardCharsets.UTF_8).contains(words[1] + ": the model section is "),
                    "the run says what replaced the model section: " + console);
        }
        if (words.length > 1 && words[1].startsWith("augment=") && !words[1].startsWith("augment=[")) {
            assertTrue(console.toString(StandardCharsets.UTF_8).contains(words[1] + ": "), "the run says what replaced the list: " + console);
        }
        String step = STEPS.get(experiment);
        if (step != null) {
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("; step: " + step + "\n"), "the step the run says it took: " + console);
        }
        Path metrics;
        try (Stream<Path> files = Files.walk(out)) {
            metrics = files.filter(p -> p.getFileName().toString().equals("metrics.json")).findFirst().orElseThrow();
        }
        var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(metrics.toFile());
        if (experiment.startsWith("cnn") || experiment.startsWith("sweep") || experiment.startsWith("search")
                || experiment.startsWith("resnet")) {
            assertEquals(1, m.get("best_epoch").asInt(), "a validation split records the epoch whose weights were kept");
        } else {
            assertTrue(m.get("best_epoch") == null, "no best epoch is chosen on the test set");
        }
        // Each model the spec trains is written as model.onnx, and ONNX Runtime gives its test images fmnist's classes
        // (the probabilities' bound, for these widths too big for the heap, is OnnxExportTest's, family by family).
        List<Path> exported;
        try (Stream<Path> files = Files.walk(out)) {
            exported = files.filter(p -> p.getFileName().toString().equals("model.onnx")).map(Path::getParent).toList();
        }
        assertFalse(exported.isEmpty(), "model.onnx written");
        for (Path run : exported) {
            OnnxRuntimeAgreement.assertAgrees(run, TEST_IMAGES, 0);
        }
        if (experiment.contains("augment") && !experiment.endsWith("augment=none")) {
            try (Stream<Path> files = Files.walk(out)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("augmentations.png")), "augmentation picture");
            }
        }
    }

    @Test
    void everyRegisteredModelIsInTheListAbove() {
        assertEquals(Set.of("dense", "cnn", "cnn-deep", "resnet"), RunnerMainAccess.registry(Map.of()).models().keySet(),
                "add a line for the new model to EXPERIMENTS");
    }

    /** Each preset of a config group beside the shipped specs (experiments/model/, experiments/augment/) is chosen above. */
    @ParameterizedTest
    @ValueSource(strings = {"model", "augment"})
    void everyPresetIsInTheListAbove(String group) throws Exception {
        try (Stream<Path> presets = Files.list(Path.of("../experiments", group))) {
            List<String> missing = presets.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> group + "=" + n.substring(0, n.length() - ".yaml".length()))
                    .filter(choice -> EXPERIMENTS.stream().noneMatch(e -> e.endsWith(" " + choice))).sorted().toList();
            assertEquals(List.of(), missing, "add a line choosing each preset to EXPERIMENTS");
        }
    }

    @Test
    void everyShippedSpecIsInTheListAbove() throws Exception {
        Set<String> listed = EXPERIMENTS.stream().map(e -> e.split(" ")[0]).collect(Collectors.toSet());
        try (Stream<Path> specs = Files.list(Path.of("../experiments"))) {
            List<String> missing = specs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !listed.contains(n)).sorted().toList();
            assertEquals(List.of(), missing, "add these specs to EXPERIMENTS");
        }
    }
}
