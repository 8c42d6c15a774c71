package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run with both caption generators on a slice of the real data, and {@code runner predict} on its model. */
class CaptionedRunTest {
    @TempDir
    static Path out;
    static Path run;
    static String console;

    static RunnerMainAccess.Outcome runner(String... args) {
        return RunnerMainAccess.run(Map.of(), args);
    }

    @BeforeAll
    static void captionedRun() throws IOException {
        RunnerMainAccess.Outcome o = runner("../experiments/baseline.yaml", "data.train_limit=3000", "data.test_limit=400", "training.epochs=2",
                "output.dir=" + out, "tracking.type=none", "captioning.generators=[template, bert]", "captioning.samples=120");
        assertEquals(0, o.exit(), o.out() + o.err());
        console = o.out();
        try (Stream<Path> runs = Files.list(out.resolve("baseline"))) {
            run = runs.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
    }

    @Test
    void writesCaptionsForEachGeneratorAndTheirConsistency() throws IOException {
        List<String> csv = Files.readAllLines(run.resolve("captions.csv"));
        assertEquals("test_index,true,predicted,confidence,generator,caption", csv.get(0));
        assertEquals(1 + 2 * 120, csv.size());
        assertEquals(120, csv.stream().filter(l -> l.contains(",template,")).count());
        assertEquals(120, csv.stream().filter(l -> l.contains(",bert,")).count());

        JsonNode captioning = new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).get("captioning");
        for (String g : List.of("template", "bert")) {
            JsonNode r = captioning.get(g);
            assertEquals(120, r.get("captions").asInt());
            assertTrue(r.get("agreement_with_predicted").asDouble() > 0.8, g + ": " + r);
            assertTrue(r.get("diversity").asDouble() > 0 && r.get("diversity").asDouble() <= 1, g + ": " + r);
        }
        assertTrue(console.contains("captions (template)") && console.contains("captions (bert)"), console);
    }

    @Test
    void theSampleGridCarriesCaptions() throws IOException {
        BufferedImage grid = ImageIO.read(run.resolve("samples.png").toFile());
        // 4 rows of tiles; captions add 52 px to each tile's 158.
        assertTrue(grid.getHeight() > 40 + 4 * (112 + 46 + 10 + 40), "height " + grid.getHeight());
    }

    @Test
    void predictNamesClassConfidenceAndCaptionAndReportsBadInputsWithoutStopping() throws IOException {
        BufferedImage photo = new BufferedImage(300, 400, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 300, 400);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(100, 20, 100, 360);
        g.dispose();
        Path png = out.resolve("trouser-like.png");
        ImageIO.write(photo, "png", png.toFile());
        Path notAnImage = Files.writeString(out.resolve("notes.png"), "not a picture");

        RunnerMainAccess.Outcome o = runner("predict", "--model", run.toString(), "test:0", png.toString(), notAnImage.toString(), "test:99999");

        assertEquals(2, o.exit(), o.out() + o.err());
        List<String> lines = o.out().lines().toList();
        assertEquals(2, lines.size(), o.out());
        assertTrue(lines.get(0).matches("test:0: [A-Za-z/ -]+ \\(\\d+\\.\\d%\\) - [A-Z].+\\."), lines.get(0));
        assertTrue(lines.get(1).startsWith(png + ": "), lines.get(1));
        assertTrue(o.err().contains("notes.png: not a picture") && o.err().contains("test:99999: not a test image"), o.err());
    }

    @Test
    void predictScoresATestImageAsTheRunDid() throws IOException {
        // captions.csv holds the run's own class and confidence for each captioned test image.
        String[] row = Files.readAllLines(run.resolve("captions.csv")).get(1).split(",", 5);

        RunnerMainAccess.Outcome o = runner("predict", "--model", run.toString(), "test:" + row[0]);

        assertEquals(0, o.exit(), o.out() + o.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("test:\\d+: (.+) \\((\\d+[.,]\\d)%\\) - ").matcher(o.out());
        assertTrue(m.find(), o.out());
        assertEquals(row[2], m.group(1), "the class the run predicted for test image " + row[0]);
        double confidence = Double.parseDouble(m.group(2).replace(',', '.'));
        assertEquals(Double.parseDouble(row[3]) * 100, confidence, 0.06, "the run's confidence, to the printed digit");
    }

    @Test
    void anUnknownGeneratorIsBadInput() {
        RunnerMainAccess.Outcome o = runner("../experiments/baseline.yaml", "captioning.generators=[gpt]", "output.dir=" + out.resolve("x"));
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("unknown caption generator 'gpt'") && o.err().contains("[bert, template]"), o.err());
    }
}
