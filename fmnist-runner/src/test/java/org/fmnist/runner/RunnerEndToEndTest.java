package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shipped baseline spec, run through the real command line on a small slice of the real data
 * (2,000 training and 500 test images, 2 epochs), and every file of its run folder checked.
 */
class RunnerEndToEndTest {
    static final Path BASELINE = Path.of("../experiments/baseline.yaml");

    @TempDir
    static Path out;
    static Path run;
    static String stdout;
    static int exit;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void runTheBaselineOnASlice() throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        exit = RunnerMain.execute(new String[] {BASELINE.toString(), "data.train_limit=2000", "data.test_limit=500",
                        "training.epochs=2", "output.dir=" + out, "output.samples=16"},
                new PrintStream(console, true, StandardCharsets.UTF_8), new PrintStream(errors, true, StandardCharsets.UTF_8),
                Map.of());
        stdout = console.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, stdout + errors.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(out.resolve("baseline"))) {
            run = runs.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
    }

    @Test
    void writesExactlyTheDocumentedFiles() throws IOException {
        try (Stream<Path> files = Files.list(run)) {
            Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(Set.of("spec.yaml", "overrides.yaml", "command.txt", "job.json", "provenance.json", "metrics.json",
                    "report.md", "report.json", "confusion-matrix.csv", "confusion-matrix.png", "samples.png",
                    "training-curves.png", "model.zip", "model.onnx", "input-example.json", "tracked-run-ids.json"), names);
        }
    }

    @Test
    void theReportSaysWhichImagesTheRunUsed() throws IOException {
        String report = Files.readString(run.resolve("report.md"));

        assertTrue(report.contains("Data: trained on 2,000 training images, of the first 2,000 (data.train_limit); "
                + "tested on 500 test images (data.test_limit)."), report);
    }

    @Test
    void latestLinksToTheNewestRunOfTheSpec() throws IOException {
        Path latest = out.resolve("baseline").resolve(RunFolder.LATEST);
        assertTrue(Files.isSymbolicLink(latest), "runs/NAME/latest is a link");
        assertEquals(run.toRealPath(), latest.toRealPath());
        assertFalse(Files.readSymbolicLink(latest).isAbsolute(), "relative, so the runs folder can move");
    }

    @Test
    void printsOneLinePerEpochAndTheTestResult() {
        List<String> epochLines = stdout.lines().filter(l -> l.startsWith("epoch ")).toList();

        assertEquals(2, epochLines.size(), stdout);
        assertTrue(epochLines.get(1).contains("train loss") && epochLines.get(1).contains("test loss"), stdout);
        assertTrue(stdout.contains("model dense: 25,450 parameters"), stdout);
        assertTrue(stdout.contains("test accuracy"), stdout);
        assertTrue(stdout.lines().anyMatch(l -> l.strip().equals("view it: ./runner ui")), "points to fmnist's own UI: " + stdout);
    }

    @Test
    void metricsHoldEveryEpochAndTheTestEvaluation() throws IOException {
        JsonNode m = JSON.readTree(run.resolve("metrics.json").toFile());

        assertEquals(25_450, m.get("parameters").asInt());
        assertEquals(2, m.get("epochs").size());
        JsonNode epoch2 = m.get("epochs").get(1);
        for (String key : List.of("train_loss", "train_accuracy", "eval_loss", "eval_accuracy", "seconds", "samples_per_second")) {
            assertTrue(epoch2.get(key).asDouble() > 0, key);
        }
        JsonNode test = m.get("test");
        assertEquals(500, test.get("images").asInt());
        assertTrue(test.get("accuracy").asDouble() > 0.6, "2,000 images should already teach a dense net: " + test);
        assertEquals(10, test.get("per_class").size());
        assertTrue(test.get("per_class").has("ankle_boot"));
        assertEquals(5, test.get("most_confused").size());
        assertTrue(m.get("wall_seconds").asDouble() >= m.get("train_seconds").asDouble());
    }

    @Test
    void reportAndConfusionMatrixAgreeWithEachOther() throws IOException {
        JsonNode report = JSON.readTree(run.resolve("report.json").toFile());
        List<String> csv = Files.readAllLines(run.resolve("confusion-matrix.csv"));

        assertEquals(11, csv.size());
        assertEquals("true\\predicted,T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot", csv.get(0));
        int total = 0;
        int diagonal = 0;
        for (int r = 1; r <= 10; r++) {
            String[] cells = csv.get(r).split(",");
            assertEquals(11, cells.length);
            int rowSum = 0;
            for (int c = 1; c <= 10; c++) {
                rowSum += Integer.parseInt(cells[c]);
            }
            diagonal += Integer.parseInt(cells[r]);
            total += rowSum;
            assertEquals(report.get(cells[0]).get("support").asInt(), rowSum, cells[0]);
        }
        assertEquals(500, total);
        assertEquals((double) diagonal / total, report.get("accuracy").asDouble(), 1e-9);
        String md = Files.readString(run.resolve("report.md"));
        assertTrue(md.contains("| Ankle boot |") && md.contains("macro avg") && md.contains("Most confused"), md);
    }

    @Test
    void reportRowsKeepOneKeyOrderSoThatRerunsWriteIdenticalFiles() throws IOException {
        List<String> expected = List.of("precision", "recall", "f1", "support");
        for (JsonNode row : List.of(JSON.readTree(run.resolve("report.json").toFile()).get("Shirt"),
                JSON.readTree(run.resolve("report.json").toFile()).get("macro avg"),
                JSON.readTree(run.resolve("metrics.json").toFile()).at("/test/per_class/shirt"))) {
            List<String> keys = new java.util.ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(expected, keys, row.toString());
        }
    }

    @Test
    void picturesAreReadablePngs() throws IOException {
        for (String png : List.of("confusion-matrix.png", "samples.png", "training-curves.png")) {
            BufferedImage img = ImageIO.read(run.resolve(png).toFile());
            assertTrue(img != null && img.getWidth() > 400 && img.getHeight() > 200, png);
        }
    }

    @Test
    void theSavedModelReproducesTheReportedAccuracy() throws IOException {
        Network restored = Network.restore(run.resolve("model.zip"), true);
        Split test = DataLocator.standard(null, out.resolve("cache"), java.util.Optional.empty(), Map.of()).load()
                .test().head(500);

        double accuracy = Predictor.predict(restored, test).accuracy();

        assertEquals(JSON.readTree(run.resolve("metrics.json").toFile()).get("test").get("accuracy").asDouble(), accuracy, 1e-9);
        assertTrue(restored.updaterState() != null, "optimizer state saved for resuming");
    }

    /**
     * The run's model.onnx in ONNX Runtime on the run's 500 test images, as fmnist scores them; and
     * input-example.json is a valid input, the first of them.
     */
    @Test
    void onnxRuntimeScoresTheRunsTestImagesAsFmnistDoes() throws Exception {
        Split test = DataLocator.standard(null, out.resolve("cache"), java.util.Optional.empty(), Map.of()).load()
                .test().head(500);

        INDArray ours = OnnxRuntimeAgreement.assertAgrees(run, test, test.size());

        float[][][][] example = JSON.readValue(run.resolve("input-example.json").toFile(), float[][][][].class);
        INDArray theirs = OnnxRuntimeAgreement.onnxRuntime(run, OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), example));
        assertEquals(ours.getRow(0, true).argMax(1), theirs.argMax(1), "input-example.json is the first test image");
        assertEquals(IdxFile.SIDE, example[0][0].length);
        for (int y = 0; y < IdxFile.SIDE; y++) {
            assertArrayEquals(Arrays.copyOfRange(test.image(0), y * IdxFile.SIDE, (y + 1) * IdxFile.SIDE), example[0][0][y],
                    "row " + y + " of input-example.json is the first test image's, as the model takes it");
        }
    }

    @Test
    void runnerExportWritesTheSameModelAgain() throws IOException {
        byte[] written = Files.readAllBytes(run.resolve("model.onnx"));
        Files.delete(run.resolve("model.onnx"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        int code = RunnerMain.execute(new String[] {"export", run.toString()}, new PrintStream(console, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());

        assertEquals(0, code, console.toString(StandardCharsets.UTF_8));
        assertArrayEquals(written, Files.readAllBytes(run.resolve("model.onnx")), "the export is a function of model.zip");
    }

    @Test
    void theSavedSpecReloadsToTheSpecThatRanAndRecordsTheOverrides() throws IOException {
        ExperimentSpec saved = new SpecLoader().load(run.resolve("spec.yaml"), List.of(), Map.of()).spec();
        ExperimentSpec original = new SpecLoader().load(BASELINE, List.of("data.train_limit=2000", "data.test_limit=500",
                "training.epochs=2", "output.dir=" + out, "output.samples=16"), Map.of()).spec();

        assertEquals(original.training(), saved.training());
        assertEquals(original.data(), saved.data());
        assertEquals(32, saved.model().params().get("hidden"));
        String overrides = Files.readString(run.resolve("overrides.yaml"));
        assertTrue(overrides.contains("training.epochs=2") && overrides.contains("baseline.yaml"), overrides);
        assertTrue(Files.readString(run.resolve("command.txt")).startsWith("./runner ../experiments/baseline.yaml data.train_limit=2000"));
    }

    @Test
    void provenanceNamesTheDataCodeAndMachine() throws IOException {
        JsonNode p = JSON.readTree(run.resolve("provenance.json").toFile());

        assertEquals("f4a8712d7a061bf5bd6d2ca38dc4d50a", p.get("data_md5").get("train-images-idx3-ubyte").asText());
        assertEquals(42, p.get("seed").asLong());
        assertEquals("1.0.0-M2.1", p.get("dl4j_version").asText());
        assertEquals(1, p.get("threads").asInt());
        assertTrue(p.get("wall_seconds").asDouble() > 0);
        assertTrue(p.has("git_commit") && p.has("git_dirty"));
        assertTrue(p.get("java_version").asText().startsWith("17"));
    }
}
