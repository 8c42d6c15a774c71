package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every shipped experiment and every model, one short epoch on a slice of the real data, through the runner. */
class ModelAndAugmentationSmokeTest {
    @TempDir
    Path out;

    @ParameterizedTest
    @ValueSource(strings = {"baseline.yaml", "cnn.yaml", "cnn-augmented.yaml", "cnn-light-augmented.yaml",
            "baseline-captioned.yaml", "cnn-deep-augmented.yaml", "sweep-dense.yaml --point=6",
            "cnn.yaml model.type=cnn-deep", "cnn.yaml augment=[{type: rotate, degrees: 15}, {type: erase}]"})
    void runsOnASlice(String experiment) throws Exception {
        // The list above names each registered model; a new model is added to it.
        String[] words = experiment.split(" ", 2);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("../experiments/" + words[0],
                "data.train_limit=640", "data.test_limit=200", "training.epochs=1", "output.dir=" + out,
                "tracking.type=none", "output.save_model=false", "captioning.samples=50"));
        if (words.length > 1) {
            args.add(words[1]);
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = RunnerMain.execute(args.toArray(String[]::new), new PrintStream(console, true, StandardCharsets.UTF_8),
                new PrintStream(errors, true, StandardCharsets.UTF_8), Map.of());

        assertEquals(0, exit, console + errors.toString(StandardCharsets.UTF_8));
        Path metrics;
        try (Stream<Path> files = Files.walk(out)) {
            metrics = files.filter(p -> p.getFileName().toString().equals("metrics.json")).findFirst().orElseThrow();
        }
        var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(metrics.toFile());
        if (experiment.startsWith("cnn") || experiment.startsWith("sweep")) {
            assertEquals(1, m.get("best_epoch").asInt(), "a validation split records the epoch whose weights were kept");
        } else {
            assertTrue(m.get("best_epoch") == null, "no best epoch is chosen on the test set");
        }
        if (experiment.contains("augment")) {
            try (Stream<Path> files = Files.walk(out)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("augmentations.png")), "augmentation picture");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void everyRegisteredModelIsInTheListAbove() {
        assertEquals(java.util.Set.of("dense", "cnn", "cnn-deep"), RunnerMain.registeredModels().keySet(),
                "add a line for the new model to runsOnASlice");
    }
}
