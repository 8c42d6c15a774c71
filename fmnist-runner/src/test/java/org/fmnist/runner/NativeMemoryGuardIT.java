package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fmnist.runner.folder.Provenance;
import org.fmnist.runner.folder.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a process of its own, the runner trains the dense model without JavaCPP's native memory guard
 * and a CNN with it, as each run's provenance records from the limit JavaCPP actually applied.
 */
class NativeMemoryGuardIT {
    @TempDir
    Path dir;

    @Test
    void theRunnerGuardsNativeMemoryOnlyForModelsThatNeedIt() throws Exception {
        assertEquals(0L, provenanceOf("baseline").nativeMemoryLimitBytes());
        assertEquals(3L << 30, provenanceOf("cnn").nativeMemoryLimitBytes());
    }

    private Provenance provenanceOf(String experiment) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), RunnerMain.class.getName(),
                "../experiments/" + experiment + ".yaml", "training.epochs=1", "data.train_limit=256", "data.test_limit=64",
                "training.validation_split=0.25", "output.samples=0", "tracking.type=none", "output.dir=" + dir.resolve(experiment)));
        Path log = dir.resolve(experiment + ".log");
        Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertEquals(0, run.waitFor(), Files.readString(log));
        try (Stream<Path> runs = Files.list(dir.resolve(experiment + "/" + experiment))) {
            return Provenance.read(runs.filter(RunFolder::isRun).findFirst().orElseThrow().resolve("provenance.json"));
        }
    }
}
