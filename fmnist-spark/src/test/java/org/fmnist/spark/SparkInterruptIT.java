package org.fmnist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.mlflow.LocalRunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C on the driver of a Spark sweep, through the real runner script. */
class SparkInterruptIT {
    @TempDir
    Path dir;

    @Test
    void ctrlCCancelsThePointsAndMarksTheSweepKilled() throws Exception {
        assertTrue(Files.isRegularFile(Path.of("target/fmnist-spark.jar")), "the slow tier runs after 'package'");
        Path console = dir.resolve("console.txt");
        Path store = dir.resolve("mlruns");
        // A process started in the background by a non-interactive shell inherits SIGINT as ignored,
        // and the JVM then never sees the Ctrl-C; env gives the runner the default disposition back.
        Process p = new ProcessBuilder("env", "--default-signal=INT", "../runner", SparkSweepTest.BASELINE.toString(),
                "--sweep", "model.hidden=16,32", "training.epochs=50", "sweep.executor=spark", "sweep.spark.master=local[2]",
                "output.save_model=false", "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + store)
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!Files.readString(console).contains("spark: master") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(console).contains("spark: master"), Files.readString(console));
            Thread.sleep(5_000);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the driver stops on Ctrl-C:\n" + Files.readString(console));
        } finally {
            p.destroyForcibly();
        }
        // The sweep, and each point whose first epochs reached its record before Ctrl-C, all marked KILLED.
        List<LocalRunStore.LocalRun> runs = new LocalRunStore(store).runs();
        assertEquals(1, runs.stream().filter(r -> "true".equals(r.tags().get("fmnist.sweep"))).count());
        for (LocalRunStore.LocalRun run : runs) {
            assertEquals(RunStatus.KILLED, run.status(), run.runName() + "\n" + Files.readString(console));
            assertTrue(run.endTime() != null);
            assertFalse(run.metrics().containsKey("train_seconds"), "no point finished");
        }
    }
}
