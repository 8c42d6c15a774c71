package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.Split;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow tier: one epoch of the shipped baseline on all 60,000 training images, and its model in ONNX Runtime. */
class BaselineRealDataIT {
    @TempDir
    Path out;

    @Test
    void oneEpochOnTheFullTrainingSetReaches80PercentOnTheTestSet() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int exit = RunnerMain.execute(new String[] {"../experiments/baseline.yaml", "training.epochs=1",
                        "output.dir=" + out},
                new PrintStream(console, true, StandardCharsets.UTF_8), System.err, Map.of());

        assertEquals(0, exit, console.toString(StandardCharsets.UTF_8));
        Path run;
        try (Stream<Path> runs = Files.list(out.resolve("baseline"))) {
            run = runs.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
        JsonNode test = new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).get("test");
        assertEquals(10_000, test.get("images").asInt());
        double accuracy = test.get("accuracy").asDouble();
        assertTrue(accuracy >= 0.80, "test accuracy after one epoch: " + accuracy);
        // The run's model.onnx scores all 10,000 test images as fmnist does.
        Split images = DataLocator.standard(null, DataLocator.defaultCache(System.getenv()), Optional.empty(), System.getenv())
                .load().test();
        OnnxRuntimeAgreement.assertAgrees(run, images, images.size());
    }
}
