package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.eval.ScoreRounding;
import org.fmnist.core.eval.TestTimeAugmentation;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.mlflow.LocalRunStore;
import org.fmnist.runner.ensemble.EnsembleRun;
import org.fmnist.runner.ensemble.HeldOutScores;
import org.fmnist.runner.folder.FinishedRun;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.folder.RunOutputs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluation.tta} and {@code runner ensemble}, through the real command line on a slice of the real data. */
class TestViewsAndEnsembleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEST_IMAGES = 400;
    /** Half the last of the four decimals {@code runner score} prints. */
    private static final double PRINTED = 5e-5;

    @TempDir
    static Path dir;
    /** A sweep over two seeds of a small CNN trained on mirrored images and scored with mirrored views. */
    private static Path sweep;
    /** Seed 1 again, with more filters: it holds out the same validation images as the sweep's first point. */
    private static Path wider;
    private static FashionMnist data;
    private static Split test;

    @BeforeAll
    static void trainTwoSeedsAndAWiderNetwork() throws IOException {
        List<String> common = List.of("../experiments/cnn.yaml", "model.filters2=8", "model.dense=16",
                "training.epochs=1", "training.batch_size=64", "training.validation_split=0.1", "training.label_smoothing=0.1",
                "data.train_limit=2000", "data.test_limit=" + TEST_IMAGES, "augment=[{type: flip}]", "evaluation.tta=[flip]",
                "output.samples=4", "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + dir.resolve("mlruns"));
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(),
                concat(common, "name=mirrored", "model.filters1=4", "--sweep", "seed=1,2"));
        assertEquals(0, o.exit(), o.out() + o.err());
        sweep = SweepTest.onlyChild(dir.resolve("runs/mirrored"));
        o = RunnerMainAccess.run(Map.of(), concat(common, "name=mirrored-wider", "model.filters1=8", "seed=1"));
        assertEquals(0, o.exit(), o.out() + o.err());
        wider = SweepTest.onlyChild(dir.resolve("runs/mirrored-wider"));
        data = DataLocator.standard(null, DataLocator.defaultCache(System.getenv()), Optional.empty(), System.getenv()).load();
        test = data.test().head(TEST_IMAGES);
    }

    private static String[] concat(List<String> common, String... more) {
        return Stream.concat(common.stream(), Stream.of(more)).toArray(String[]::new);
    }

    private static List<Path> points() throws IOException {
        try (Stream<Path> children = Files.list(sweep)) {
            return children.filter(p -> p.getFileName().toString().startsWith("point-")).sorted().toList();
        }
    }

    @Test
    void aRunWithTestTimeViewsReportsThemBesideThePlainScores() throws IOException {
        Path point = points().get(0);
        Network net = Network.restore(point.resolve("model.zip"), false);
        JsonNode summary = JSON.readTree(point.resolve("metrics.json").toFile()).get(RunOutputs.SUMMARY);

        Predictions plain = Predictor.predict(net, test);
        Predictions mirrored = Predictor.predict(net, TestTimeAugmentation.FLIP.views(test).get(0));
        Predictions averaged = Predictions.mean(List.of(plain, mirrored));
        // The run scored with its network in memory, this with the saved one: the same arithmetic, maybe on
        // another path, so equal up to what rounding allows.
        ScoreRounding.Bounds withViews = ScoreRounding.of(List.of(net), test, List.of(TestTimeAugmentation.FLIP));
        ScoreRounding.Bounds alone = ScoreRounding.of(List.of(net), test, List.of());
        assertEquals(averaged.accuracy(), summary.get("test_accuracy").asDouble(), withViews.accuracy(), "the headline scores use the views");
        assertEquals(plain.accuracy(), summary.get("test_plain_accuracy").asDouble(), alone.accuracy());
        assertEquals(plain.loss(), summary.get("test_plain_loss").asDouble(), alone.loss());
        assertNotEquals(averaged.loss(), plain.loss(), "the views changed the outputs");
        assertTrue(summary.has("val_tta_accuracy") && summary.has("val_accuracy"), "validation is reported both ways: " + summary);
    }

    @Test
    void anEnsembleOfASweepAveragesItsMembersAndIsTrackedWithTheirIds() throws IOException {
        Path out = dir.resolve("ensemble");
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "ensemble", sweep.toString(), "--out", out.toString());

        assertEquals(0, o.exit(), o.out() + o.err());
        List<Predictions> members = new ArrayList<>();
        List<Network> nets = new ArrayList<>();
        List<String> memberIds = new ArrayList<>();
        for (Path point : points()) {
            nets.add(Network.restore(point.resolve("model.zip"), false));
            members.add(Predictor.predict(nets.get(nets.size() - 1), test, List.of(TestTimeAugmentation.FLIP)));
            memberIds.add(JSON.readTree(point.resolve(RunFolder.TRACKED_RUN_IDS).toFile()).get("mlflow").asText());
        }
        Predictions expected = Predictions.mean(members);
        ScoreRounding.Bounds bounds = ScoreRounding.of(nets, test, List.of(TestTimeAugmentation.FLIP));
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(expected.accuracy(), metrics.at("/test/accuracy").asDouble(), bounds.accuracy());
        assertEquals(expected.loss(), metrics.at("/test/loss").asDouble(), bounds.loss());
        assertEquals(2, metrics.get("members").size());
        assertEquals(members.get(0).accuracy(), metrics.at("/members/0/test_accuracy").asDouble(),
                ScoreRounding.of(nets.subList(0, 1), test, List.of(TestTimeAugmentation.FLIP)).accuracy(),
                "each member is scored with its own run's views");
        for (String file : List.of("report.md", "report.json", "confusion-matrix.csv", "confusion-matrix.png", "samples.png",
                "provenance.json", "command.txt")) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        }

        LocalRunStore.LocalRun record = new LocalRunStore(dir.resolve("mlruns")).runs().stream()
                .filter(r -> EnsembleRun.MODEL.equals(r.tags().get("fmnist.model_type")))
                .filter(r -> out.toAbsolutePath().toString().equals(r.tags().get("fmnist.run_folder"))).findFirst().orElseThrow();
        assertEquals(String.join(",", memberIds), record.tags().get("fmnist.ensemble.member_run_ids.mlflow"));
        assertEquals(expected.accuracy(), record.metrics().get("test_accuracy").get(0).value(), bounds.accuracy());
        assertTrue(record.artifacts().containsKey("confusion-matrix.png"), record.artifacts().keySet().toString());

        RunnerMainAccess.Outcome table = RunnerMainAccess.run(Map.of(), "compare", sweep.toString(), out.toString());
        assertTrue(table.out().contains("| mirrored-ensemble |"), table.out());
    }

    @Test
    void scoreRedrawsEachRunsValidationImagesAndScoresThemWithoutViewsWithItsOwnAndWithOthers() throws IOException {
        Path point = points().get(0);
        JsonNode summary = JSON.readTree(point.resolve("metrics.json").toFile()).get(RunOutputs.SUMMARY);

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "score", point.toString(), "--tta", "flip,SHIFT", "--test");

        assertEquals(0, o.exit(), o.out() + o.err());
        Map<String, double[]> rows = new java.util.HashMap<>();  // "split views" -> {accuracy, loss}
        for (String line : o.out().lines().filter(l -> l.startsWith("| " + point)).toList()) {
            String[] cells = line.split("\\|");
            rows.put(cells[2].trim() + " " + cells[3].trim(),
                    new double[] {Double.parseDouble(cells[4]), Double.parseDouble(cells[5])});
        }
        assertEquals(6, rows.size(), "none, [flip] and [flip, shift], on validation and on test: " + o.out());
        // The run's own numbers for its kept epoch (its only one) come back: the same 200 images, the same
        // model, up to what rounding allows and the table's four decimals.
        Network net = Network.restore(point.resolve("model.zip"), false);
        Split validation = FinishedRun.in(List.of(point)).get(0).validation(data);
        ScoreRounding.Bounds plainValidation = ScoreRounding.of(List.of(net), validation, List.of());
        ScoreRounding.Bounds mirroredValidation = ScoreRounding.of(List.of(net), validation, List.of(TestTimeAugmentation.FLIP));
        assertEquals(summary.get("val_accuracy").asDouble(), rows.get("200 validation none")[0],
                plainValidation.accuracy() + PRINTED, o.out());
        assertEquals(summary.get("val_loss").asDouble(), rows.get("200 validation none")[1], plainValidation.loss() + PRINTED, o.out());
        assertEquals(summary.get("val_tta_accuracy").asDouble(), rows.get("200 validation [flip]")[0],
                mirroredValidation.accuracy() + PRINTED, o.out());
        assertEquals(summary.get("val_tta_loss").asDouble(), rows.get("200 validation [flip]")[1],
                mirroredValidation.loss() + PRINTED, o.out());
        assertEquals(summary.get("test_plain_accuracy").asDouble(), rows.get(TEST_IMAGES + " test none")[0],
                ScoreRounding.of(List.of(net), test, List.of()).accuracy() + PRINTED, o.out());
        assertEquals(summary.get("test_accuracy").asDouble(), rows.get(TEST_IMAGES + " test [flip]")[0],
                ScoreRounding.of(List.of(net), test, List.of(TestTimeAugmentation.FLIP)).accuracy() + PRINTED, o.out());
        List<TestTimeAugmentation> both = List.of(TestTimeAugmentation.FLIP, TestTimeAugmentation.SHIFT);
        Predictions expected = Predictor.predict(net, test, both);
        assertEquals(expected.loss(), rows.get(TEST_IMAGES + " test [flip, shift]")[1],
                ScoreRounding.of(List.of(net), test, both).loss() + PRINTED, o.out());
        assertNotEquals(rows.get("200 validation [flip]")[1], rows.get("200 validation [flip, shift]")[1], 1e-6, o.out());
    }

    @Test
    void scoreWithEnsembleAveragesRunsThatHeldOutTheSameValidationImages() throws IOException {
        List<Path> members = List.of(points().get(0), wider);

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "score", members.get(0).toString(),
                members.get(1).toString(), "--ensemble", "--tta", "flip,shift");

        assertEquals(0, o.exit(), o.out() + o.err());
        List<Predictions> outputs = new ArrayList<>();
        List<Network> nets = new ArrayList<>();
        Split validation = null;
        List<TestTimeAugmentation> both = List.of(TestTimeAugmentation.FLIP, TestTimeAugmentation.SHIFT);
        for (Path member : members) {
            validation = FinishedRun.in(List.of(member)).get(0).validation(data);
            nets.add(Network.restore(member.resolve("model.zip"), false));
            outputs.add(Predictor.predict(nets.get(nets.size() - 1), validation, both));
        }
        Predictions expected = Predictions.mean(outputs);
        ScoreRounding.Bounds bounds = ScoreRounding.of(nets, validation, both);
        List<String[]> rows = o.out().lines().filter(l -> l.startsWith("| " + HeldOutScores.TOGETHER))
                .map(l -> l.split("\\|")).toList();
        assertEquals(1, rows.size(), "one ensemble row, on validation only: " + o.out());
        assertEquals("200 validation", rows.get(0)[2].trim());
        assertEquals("[flip, shift]", rows.get(0)[3].trim());
        assertEquals(expected.accuracy(), Double.parseDouble(rows.get(0)[4]), bounds.accuracy() + PRINTED, o.out());
        assertEquals(expected.loss(), Double.parseDouble(rows.get(0)[5]), bounds.loss() + PRINTED, o.out());
        for (Predictions member : outputs) {
            assertTrue(Math.abs(member.loss() - expected.loss()) > 1e-3, "the ensemble is not one member alone: " + o.out());
        }

        RunnerMainAccess.Outcome seeds = RunnerMainAccess.run(Map.of(), "score", sweep.toString(), "--ensemble");
        assertEquals(ExitCode.BAD_INPUT, seeds.exit(), seeds.out() + seeds.err());
        assertTrue(seeds.err().contains("held out other validation images") && seeds.err().contains("seed 2 against 1"), seeds.err());
        assertFalse(seeds.out().contains("|"), "refused before any run is scored: " + seeds.out());
        RunnerMainAccess.Outcome alone = RunnerMainAccess.run(Map.of(), "score", wider.toString(), "--ensemble");
        assertEquals(ExitCode.BAD_INPUT, alone.exit(), alone.out() + alone.err());
        assertTrue(alone.err().contains("an ensemble needs at least two"), alone.err());
    }

    @Test
    void anEnsembleGivenViewsScoresEveryMemberWithThem() throws IOException {
        Path out = dir.resolve("ensemble-shifted");
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "ensemble", sweep.toString(), "--out", out.toString(),
                "--tta", "flip,shift,flip");

        assertEquals(0, o.exit(), o.out() + o.err());
        List<Predictions> members = new ArrayList<>();
        List<Network> nets = new ArrayList<>();
        List<TestTimeAugmentation> both = List.of(TestTimeAugmentation.FLIP, TestTimeAugmentation.SHIFT);
        for (Path point : points()) {
            nets.add(Network.restore(point.resolve("model.zip"), false));
            members.add(Predictor.predict(nets.get(nets.size() - 1), test, both));
        }
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(Predictions.mean(members).loss(), metrics.at("/test/loss").asDouble(), ScoreRounding.of(nets, test, both).loss());
        assertEquals(members.get(1).accuracy(), metrics.at("/members/1/test_accuracy").asDouble(),
                ScoreRounding.of(nets.subList(1, 2), test, both).accuracy());
        assertEquals("[\"flip\",\"shift\"]", metrics.at("/members/1/tta").toString());
        assertTrue(Files.readString(out.resolve("command.txt")).contains("--tta flip,shift"));
        LocalRunStore.LocalRun record = new LocalRunStore(dir.resolve("mlruns")).runs().stream()
                .filter(r -> out.toAbsolutePath().toString().equals(r.tags().get("fmnist.run_folder"))).findFirst().orElseThrow();
        assertEquals("[flip, shift]", record.params().get("tta"), "the views given for all members are recorded");
    }

    @Test
    void membersThatCannotBeAveragedAreRefusedWithTheReason() throws IOException {
        List<Path> points = points();
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        for (String file : List.of("spec.yaml", "provenance.json", "metrics.json", "model.zip")) {
            Files.copy(points.get(1).resolve(file), copy.resolve(file));
        }

        assertRefused(List.of(points.get(0).toString()), "an ensemble needs at least two");
        Files.writeString(copy.resolve("spec.yaml"), Files.readString(copy.resolve("spec.yaml"))
                .replace("test_limit: " + TEST_IMAGES, "test_limit: 300"));
        assertRefused(List.of(points.get(0).toString(), copy.toString()), "data.test_limit", "is 300");
        Files.copy(points.get(1).resolve("spec.yaml"), copy.resolve("spec.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(copy.resolve("provenance.json"), Files.readString(copy.resolve("provenance.json"))
                .replace("f4a8712d7a061bf5bd6d2ca38dc4d50a", "0123"));
        assertRefused(List.of(points.get(0).toString(), copy.toString()), "other data", "0123");
        Files.copy(points.get(1).resolve("provenance.json"), copy.resolve("provenance.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(copy.resolve("model.zip"), new byte[] {1, 2, 3});
        assertRefused(List.of(points.get(0).toString(), copy.toString()), "model.zip", "cannot be read as a model");
        Files.writeString(copy.resolve("provenance.json"), "{\"fmnist_version\": ");
        assertRefused(List.of(points.get(0).toString(), copy.toString()), "damaged provenance.json");
        Files.delete(copy.resolve("model.zip"));
        assertRefused(List.of(points.get(0).toString(), copy.toString()), "no model.zip", "output.save_model");
        assertRefused(List.of(dir.resolve("nowhere").toString(), copy.toString()), "not a run folder");
        RunnerMainAccess.Outcome unknownView = RunnerMainAccess.run(Map.of(), "score", points.get(0).toString(), "--tta", "rotate");
        assertEquals(ExitCode.BAD_INPUT, unknownView.exit(), unknownView.out() + unknownView.err());
        assertTrue(unknownView.err().contains("'rotate' is not a test-time view; the views are [flip, shift]"), unknownView.err());
    }

    @Test
    void scoringARunThatHeldOutNoValidationImagesIsRefused() throws IOException {
        Path copy = dir.resolve("no-validation");
        Files.createDirectories(copy);
        for (String file : List.of("provenance.json", "metrics.json", "model.zip")) {
            Files.copy(points().get(0).resolve(file), copy.resolve(file));
        }
        Files.writeString(copy.resolve("spec.yaml"), Files.readString(points().get(0).resolve("spec.yaml"))
                .replace("validation_split: 0.1", "validation_split: 0.0").replaceAll("early_stopping_patience: \\d+", "early_stopping_patience: 0"));

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "score", points().get(0).toString(), copy.toString());

        assertEquals(ExitCode.BAD_INPUT, o.exit(), o.out() + o.err());
        assertFalse(o.out().contains("|"), "refused before any run is scored: " + o.out());
        assertTrue(o.err().contains("training.validation_split") && o.err().contains("held out no validation images"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    private static void assertRefused(List<String> runs, String... phrases) {
        List<String> args = new ArrayList<>(List.of("ensemble"));
        args.addAll(runs);
        args.addAll(List.of("--out", dir.resolve("refused").toString()));
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), args.toArray(String[]::new));
        assertEquals(ExitCode.BAD_INPUT, o.exit(), o.out() + o.err());
        for (String phrase : phrases) {
            assertTrue(o.err().contains(phrase), phrase + " in: " + o.err());
        }
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertFalse(Files.exists(dir.resolve("refused")), "nothing is written for a refused ensemble");
    }
}
