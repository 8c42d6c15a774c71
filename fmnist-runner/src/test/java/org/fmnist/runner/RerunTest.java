package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner rerun} on a slice of the real data. */
class RerunTest {
    @TempDir
    Path dir;

    @Test
    void aRerunReproducesTheRunAndWarnsWhenTheCodeDiffers() throws Exception {
        RunnerMainAccess.Outcome first = RunnerMainAccess.run(Map.of(), RunnerEndToEndTest.BASELINE.toString(),
                "training.epochs=2", "data.train_limit=2000", "data.test_limit=500", "output.dir=" + dir.resolve("runs"),
                "tracking.type=none", "output.samples=0");
        assertEquals(0, first.exit(), first.err());
        Path run = SweepTest.onlyChild(dir.resolve("runs/baseline"));

        RunnerMainAccess.Outcome same = RunnerMainAccess.run(Map.of("FMNIST_TRAINING__EPOCHS", "1"), "rerun", run.toString());

        assertEquals(0, same.exit(), same.out() + same.err());
        assertTrue(same.out().contains("the same result"), "same spec, seed and machine: same numbers\n" + same.out());
        assertTrue(same.out().contains("epoch  2/2"), "environment variables do not change a saved spec");
        assertFalse(same.out().contains("warning: the code differs"), same.out());

        // Through latest, which points at the rerun until the next rerun moves it to itself.
        Path latest = dir.resolve("runs/baseline/latest");
        Path rerun = latest.toRealPath();
        Path provenance = latest.resolve("provenance.json");
        Files.writeString(provenance, Files.readString(provenance).replaceFirst("\"git_commit\" : \"[0-9a-f]*\"",
                "\"git_commit\" : \"0000000\"").replaceFirst("\"f4a8712d7a061bf5bd6d2ca38dc4d50a\"", "\"0123\""));
        RunnerMainAccess.Outcome changed = RunnerMainAccess.run(Map.of(), "rerun", latest.toString(), "training.epochs=1");

        assertEquals(0, changed.exit(), changed.err());
        assertTrue(changed.out().contains("warning: the code differs") && changed.out().contains("0000000"), changed.out());
        assertTrue(changed.out().contains("warning: the data differs"), changed.out());
        assertTrue(changed.out().contains("note: the saved spec was changed by training.epochs=1"), changed.out());
        assertTrue(changed.out().contains("rerun of " + rerun + ":") && changed.out().contains("different, as the changes"),
                "compared with the run latest named, not with the rerun it names now\n" + changed.out());
    }
}
