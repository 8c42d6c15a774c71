package org.fmnist.runner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.job.RunJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner job} runs the job a run folder saved, elsewhere, to the same numbers; {@code bench} prepares like a run. */
class JobAndBenchTest {
    private static final Path BASELINE = Path.of("../experiments/baseline.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aSavedJobRunsAgainInAnotherFolderToTheSameNumbers() throws IOException {
        RunnerMainAccess.Outcome first = RunnerMainAccess.run(Map.of(), BASELINE.toString(), "training.epochs=1",
                "data.train_limit=1000", "data.test_limit=300", "output.dir=" + dir.resolve("runs"), "tracking.type=none",
                "output.samples=0");
        assertEquals(0, first.exit(), first.err());
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs/baseline"))) {
            run = runs.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
        // The job as another machine would get it: only the run folder differs.
        ObjectNode job = (ObjectNode) JSON.readTree(run.resolve(RunJob.FILE).toFile());
        Path elsewhere = dir.resolve("elsewhere/point-01");
        job.put("run_dir", elsewhere.toString());
        Path file = dir.resolve("job.json");
        JSON.writeValue(file.toFile(), job);

        RunnerMainAccess.Outcome again = RunnerMainAccess.run(Map.of(), "job", file.toString());

        assertEquals(0, again.exit(), again.out() + again.err());
        assertArrayEquals(Files.readAllBytes(run.resolve("report.json")), Files.readAllBytes(elsewhere.resolve("report.json")));
        JsonNode before = JSON.readTree(run.resolve("metrics.json").toFile());
        JsonNode after = JSON.readTree(elsewhere.resolve("metrics.json").toFile());
        assertEquals(before.get("epochs").get(0).get("train_loss"), after.get("epochs").get(0).get("train_loss"));
        assertEquals(before.get("summary").get("test_accuracy"), after.get("summary").get("test_accuracy"));
        assertTrue(Files.readString(elsewhere.resolve("spec.yaml")).equals(Files.readString(run.resolve("spec.yaml"))),
                "the same resolved spec");
    }

    @Test
    void aMissingOrMalformedJobFileIsBadInput() throws IOException {
        RunnerMainAccess.Outcome missing = RunnerMainAccess.run(Map.of(), "job", dir.resolve("nope.json").toString());
        RunnerMainAccess.Outcome malformed = RunnerMainAccess.run(Map.of(), "job",
                Files.writeString(dir.resolve("bad.json"), "{\"spec\": 3").toString());

        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("the job file does not exist"), missing.err());
        assertEquals(2, malformed.exit());
        assertTrue(malformed.err().contains("is not a job file"), malformed.err());
        assertFalse(malformed.err().contains("\tat "), "no stack trace: " + malformed.err());
    }

    @Test
    void benchRefusesAnUnknownModelLikeARun() {
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "bench", BASELINE.toString(), "model.type=transformer");

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("unknown model type 'transformer'") && o.err().contains("dense"), o.err());
    }

    @Test
    void benchUsesTheSpecsDataSection() throws IOException {
        RunnerMainAccess.Outcome o = RunnerMainAccess.run(Map.of(), "bench", BASELINE.toString(), "training.epochs=1",
                "data.train_limit=640", "data.test_limit=200");

        assertEquals(0, o.exit(), o.err());
        JsonNode line = JSON.readTree(o.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertEquals(640, line.get("train_images").asInt());
        assertEquals(200, line.get("test_images").asInt(), "data.test_limit holds for bench as for a run");
        assertEquals("dense", line.get("model").asText());
    }
}
