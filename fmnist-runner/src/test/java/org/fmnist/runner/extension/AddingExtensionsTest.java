package org.fmnist.runner.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fmnist.core.model.ModelRegistry;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/extending.md's promise: a model, an augmentation and a caption generator from a
 * module the project does not know, each one class plus one registration line, chosen by name in YAML.
 */
class AddingExtensionsTest {
    @TempDir
    Path dir;

    @Test
    void aNewModelAugmentationAndCaptionGeneratorRunByNameFromYaml() throws IOException {
        Path spec = Files.writeString(dir.resolve("softmax.yaml"), """
                name: softmax
                model:
                  type: softmax
                  l2: 0.0001
                training:
                  epochs: 1
                augment:
                  - type: invert
                    probability: 0.1
                captioning:
                  generators: [plain]
                  samples: 50
                data:
                  train_limit: 2000
                  test_limit: 300
                tracking:
                  type: none
                output:
                  dir: %s
                """.formatted(dir.resolve("runs")));

        RunnerMainAccess.Outcome o = RunnerMainAccess.runWith(Map.of(), new Module[] {new ExtensionsModule()}, spec.toString());

        assertEquals(0, o.exit(), o.out() + o.err());
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs/softmax"))) {
            run = runs.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals("softmax", metrics.get("model").asText());
        assertEquals(7850, metrics.get("parameters").asInt(), "784 x 10 weights + 10 biases");
        assertTrue(metrics.at("/test/accuracy").asDouble() > 0.5, "it learned: " + metrics.at("/test/accuracy"));
        assertTrue(Files.exists(run.resolve("augmentations.png")));
        List<String> captions = Files.readAllLines(run.resolve("captions.csv"));
        assertEquals(51, captions.size(), "a header and 50 captions");
        assertTrue(captions.get(1).contains("Plainly a "), captions.get(1));
        assertTrue(Files.readString(run.resolve("spec.yaml")).contains("l2: 1.0E-4"), "the model's key was bound and saved");
    }

    @Test
    void aModelWhoseBatchNormWouldIgnoreItsActivationIsRefusedBeforeTraining() throws IOException {
        Module linearByMistake = new AbstractModule() {
            @Override
            protected void configure() {
                ModelRegistry.models(binder()).addBinding("linear-by-mistake").to(LinearByMistake.class);
            }
        };
        Path spec = Files.writeString(dir.resolve("mistake.yaml"), """
                name: mistake
                model:
                  type: linear-by-mistake
                data:
                  train_limit: 500
                  test_limit: 100
                tracking:
                  mlflow: {store: %s}
                output:
                  dir: %s
                """.formatted(dir.resolve("mlruns"), dir.resolve("runs")));

        RunnerMainAccess.Outcome o = RunnerMainAccess.runWith(Map.of(), new Module[] {linearByMistake}, spec.toString());

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("hidden-norm") && o.err().contains("add an ActivationLayer"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertFalse(o.out().contains("epoch 1"), "refused before training: " + o.out());
        assertFalse(Files.exists(dir.resolve("runs")) || Files.exists(dir.resolve("mlruns")),
                "a refused run leaves no run folder and no tracked run");
    }

    @Test
    void withoutItsModuleTheNameIsUnknownAndTheKnownOnesAreListed() throws IOException {
        Path spec = Files.writeString(dir.resolve("softmax.yaml"), "name: softmax\nmodel:\n  type: softmax\n");

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), spec.toString());

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("unknown model type 'softmax'") && o.err().contains("dense"), o.err());
    }

    @Test
    void twoTrackersRecordTheSameRunEachWithItsOwnKeys() throws IOException {
        Path spec = Files.writeString(dir.resolve("two.yaml"), """
                name: two
                model: {type: dense}
                training: {epochs: 2}
                data: {train_limit: 1000, test_limit: 200}
                output: {dir: %s, samples: 0, save_model: false}
                tracking:
                  type: [mlflow, events]
                  mlflow: {store: %s}
                  events: {file: %s}
                """.formatted(dir.resolve("runs"), dir.resolve("mlruns"), dir.resolve("events.log")));

        RunnerMainAccess.Outcome o = RunnerMainAccess.runWith(Map.of(), new Module[] {new ExtensionsModule()}, spec.toString());

        assertEquals(0, o.exit(), o.out() + o.err());
        List<String> events = Files.readAllLines(dir.resolve("events.log"));
        assertTrue(events.get(0).startsWith("start two-"), events.toString());
        assertEquals(2, events.stream().filter(e -> e.matches("metrics [12] \\[.*train_loss.*")).count(),
                "one line per epoch: " + events);
        assertEquals("finish FINISHED", events.get(events.size() - 1));
        List<org.fmnist.mlflow.LocalRunStore.LocalRun> runs =
                new org.fmnist.mlflow.LocalRunStore(dir.resolve("mlruns")).runs();
        assertEquals(1, runs.size(), "the MLflow store holds the same run");
        assertEquals(2, runs.get(0).metrics().get("train_loss").size());
    }
}
