package org.fmnist.runner.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.RunnerMainAccess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner compare} on a real sweep of four points and a run of another spec, on a slice of the real data. */
class CompareCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @BeforeAll
    static void aSweepAndAnotherRun() {
        List<String> common = List.of("../experiments/baseline.yaml", "training.epochs=2", "data.train_limit=1500",
                "data.test_limit=300", "training.validation_split=0.2", "output.samples=0", "output.save_model=false",
                "output.dir=" + dir.resolve("runs"), "tracking.type=none");
        List<String> sweep = new ArrayList<>(common);
        sweep.addAll(List.of("--sweep", "model.hidden=8,32", "--sweep", "training.learning_rate=0.001,0.003"));
        assertEquals(0, RunnerMainAccess.run(Map.of(), sweep.toArray(String[]::new)).exit());
        List<String> other = new ArrayList<>(common);
        other.addAll(List.of("name=other", "model.hidden=16"));
        assertEquals(0, RunnerMainAccess.run(Map.of(), other.toArray(String[]::new)).exit());
    }

    private static List<String[]> rows(String markdown) {
        return markdown.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| rank"))
                .map(l -> Arrays.stream(l.split("\\|")).map(String::strip).toArray(String[]::new)).toList();
    }

    private static int column(String markdown, String title) {
        String[] header = Arrays.stream(markdown.lines().filter(l -> l.startsWith("| rank")).findFirst().orElseThrow().split("\\|"))
                .map(String::strip).toArray(String[]::new);
        return Arrays.asList(header).indexOf(title);
    }

    @Test
    void runsAtAnyDepthBestFirstByValidationAccuracyWithTheHyperParametersThatDiffer() throws IOException {
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "compare", dir.resolve("runs").toString());

        assertEquals(0, o.exit(), o.err());
        List<String[]> rows = rows(o.out());
        assertEquals(5, rows.size(), "the sweep's four points and the other run, latest links not counted twice: " + o.out());
        int accuracy = column(o.out(), "val_accuracy");
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(Double.parseDouble(rows.get(i - 1)[accuracy]) >= Double.parseDouble(rows.get(i)[accuracy]), o.out());
            assertEquals(Integer.toString(i + 1), rows.get(i)[1], "ranked in order");
        }
        assertTrue(column(o.out(), "model.hidden") > 0 && column(o.out(), "training.learning_rate") > 0, o.out());
        assertEquals(-1, column(o.out(), "seed"), "a key all runs share is no column");
        assertEquals(-1, column(o.out(), "output.dir"), "nor one that only places the run");
        for (String metric : List.of("val_loss", "test_accuracy", "test_loss", "s/epoch")) {
            assertTrue(column(o.out(), metric) > 0, metric + ": " + o.out());
        }
        // The point ranked first is the one its sweep ranked first (the same metric and tie-break).
        Path sweep = CompareCommand.runFoldersUnder(dir.resolve("runs")).get(0).getParent();
        JsonNode best = JSON.readTree(sweep.resolve("sweep.json").toFile()).get("points").get(0);
        String firstPoint = rows.stream().filter(r -> r[2].equals("baseline")).findFirst().orElseThrow()[rows.get(0).length - 1];
        assertTrue(firstPoint.contains(best.get("folder").asText()), firstPoint + " against " + best);
    }

    @Test
    void aChosenMetricAndOrderAndCsv() throws IOException {
        RunnerMainAccess.Outcome worst = RunnerMainAccess.run(Map.of(), "compare", dir.resolve("runs").toString(),
                "--metric", "test_loss", "--sort", "worst", "--format", "csv");

        assertEquals(0, worst.exit(), worst.err());
        List<String> lines = worst.out().lines().toList();
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int loss = header.indexOf("test_loss");
        assertTrue(loss > 0 && header.contains("training_seconds") && header.get(header.size() - 1).equals("folder"), lines.get(0));
        double previous = Double.MAX_VALUE;
        for (String line : lines.subList(1, lines.size())) {
            double value = Double.parseDouble(line.split(",")[loss]);
            assertTrue(value <= previous, "the worst (highest) loss first: " + worst.out());
            previous = value;
        }
        assertEquals(6, lines.size());
    }

    @Test
    void aPlotOfTheCurvesAndOfTheMetricAgainstEachSweptParameter() throws IOException {
        Path sweep = CompareCommand.runFoldersUnder(dir.resolve("runs/baseline/latest")).get(0).getParent();
        Path plot = dir.resolve("sweep.png");
        Path onePoint = dir.resolve("one.png");

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "compare", sweep.toString(), "--plot", plot.toString());
        RunnerMainAccess.Outcome single = RunnerMainAccess.run(Map.of(), "compare", dir.resolve("runs/other").toString(),
                "--plot", onePoint.toString());

        assertEquals(0, o.exit(), o.err());
        BufferedImage both = ImageIO.read(plot.toFile());
        BufferedImage curvesOnly = ImageIO.read(onePoint.toFile());
        assertEquals(curvesOnly.getWidth(), both.getWidth());
        assertTrue(both.getHeight() > curvesOnly.getHeight(), "a sweep adds its parameters' panels below the curves");
    }

    @Test
    void aRunInTwoOfTheFoldersGivenIsOneRow() {
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "compare", dir.resolve("runs").toString(),
                dir.resolve("runs/other/latest").toString(), dir.resolve("runs/baseline").toString());

        assertEquals(0, o.exit(), o.err());
        assertEquals(5, rows(o.out()).size(), o.out());
    }

    @Test
    void theTableGoesIntoAFolderThatIsNotThereYet() throws IOException {
        Path out = dir.resolve("reports/today/runs.md");

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "compare", dir.resolve("runs/other").toString(),
                "--out", out.toString());

        assertEquals(0, o.exit(), o.err());
        String page = Files.readString(out);
        assertTrue(page.contains("./runner compare " + dir.resolve("runs/other") + " --out " + out), "the command as given: " + page);
    }

    @Test
    void aRunWrittenBeforeTheSummaryIsRankedByItsTestSection(@TempDir Path elsewhere) throws IOException {
        // metrics.json as results/baseline keeps it: the test section, no summary.
        Path run = CompareCommand.runFoldersUnder(dir.resolve("runs")).get(0);
        ObjectNode metrics = (ObjectNode) JSON.readTree(run.resolve("metrics.json").toFile());
        double accuracy = metrics.path("summary").path("test_accuracy").asDouble();
        double shirt = metrics.path("summary").path("test_f1_shirt").asDouble();
        metrics.remove("summary");
        Files.createDirectories(elsewhere.resolve("old"));
        JSON.writeValue(elsewhere.resolve("old/metrics.json").toFile(), metrics);

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "compare", elsewhere.toString(), "--format", "csv");

        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains(Double.toString(accuracy)) && o.out().contains(Double.toString(shirt)), o.out());
    }

    @Test
    void aDamagedRunIsNamedInOneLine(@TempDir Path elsewhere) throws IOException {
        Files.createDirectories(elsewhere.resolve("broken"));
        Files.writeString(elsewhere.resolve("broken/metrics.json"), "{\"summary\": {\"val_accuracy\": 0.9");

        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "compare", elsewhere.toString());

        assertEquals(ExitCode.BAD_INPUT, o.exit(), o.err());
        assertTrue(o.err().contains("broken") && o.err().contains("damaged"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
    }

    @Test
    void badFoldersAndMetricsAreRefusedWithTheFix() {
        RunnerMainAccess.Outcome missing = RunnerMainAccess.run(Map.of(), "compare", dir.resolve("nowhere").toString());
        RunnerMainAccess.Outcome empty = RunnerMainAccess.run(Map.of(), "compare", dir.toString() + "/runs/baseline/latest/point-01/..", "--metric", "nope");

        assertEquals(ExitCode.BAD_INPUT, missing.exit());
        assertTrue(missing.err().contains("is not a folder"), missing.err());
        assertEquals(ExitCode.BAD_INPUT, empty.exit());
        assertTrue(empty.err().contains("'nope'") && empty.err().contains("val_accuracy"), empty.err());
        assertFalse(empty.err().contains("\tat "), empty.err());
    }
}
