package org.fmnist.runner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.AbstractModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.mlflow.LocalRunStore;
import org.fmnist.runner.RunnerMainAccess.Outcome;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.extension.BrokenModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow tier: credentials against a real basic-auth MLflow server, and the run status on failure and Ctrl-C. */
class MlflowAuthAndStatusIT {
    @TempDir
    static Path shared;
    static MlflowServerProcess server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        server = MlflowServerProcess.start(shared.resolve("auth-server"), true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private String[] args(String experiment, String model) {
        return new String[] {"../experiments/baseline.yaml", "data.train_limit=1000", "data.test_limit=300",
                "training.epochs=1", "model.type=" + model, "output.dir=" + dir.resolve("runs"),
                "tracking.mlflow.store=" + dir.resolve("mlruns"), "tracking.mlflow.experiment=" + experiment};
    }

    private static Outcome run(Map<String, String> env, String[] args, com.google.inject.Module... extra) {
        return RunnerMainAccess.runWith(env, extra, args);
    }

    @Test
    void badCredentialsStopTheRunWithTheFix() {
        Outcome o = run(Map.of("MLFLOW_TRACKING_URI", server.uri().toString(), "MLFLOW_TRACKING_USERNAME", "admin",
                "MLFLOW_TRACKING_PASSWORD", "wrong-password"), args("auth", "dense"));

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("refused the credentials (HTTP 401)"), o.err());
        assertTrue(o.err().contains("MLFLOW_TRACKING_USERNAME") && o.err().contains("MLFLOW_TRACKING_TOKEN"), o.err());
        assertFalse(o.err().contains("wrong-password") || o.out().contains("wrong-password"));
    }

    @Test
    void goodCredentialsRecordTheRunAndTheSecretIsWrittenNowhere() throws Exception {
        Outcome o = run(Map.of("MLFLOW_TRACKING_URI", server.uri().toString(), "MLFLOW_TRACKING_USERNAME",
                MlflowServerProcess.ADMIN, "MLFLOW_TRACKING_PASSWORD", MlflowServerProcess.ADMIN_PASSWORD), args("auth", "dense"));

        assertEquals(0, o.exit(), o.out() + o.err());
        MlflowRest rest = new MlflowRest(server.uri(), MlflowServerProcess.ADMIN, MlflowServerProcess.ADMIN_PASSWORD);
        List<JsonNode> runs = rest.runs("auth");
        assertEquals(1, runs.size());
        assertFalse(runs.get(0).toString().contains(MlflowServerProcess.ADMIN_PASSWORD), "not in params or tags");
        assertFalse((o.out() + o.err()).contains(MlflowServerProcess.ADMIN_PASSWORD), "not in the console");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(MlflowServerProcess.ADMIN_PASSWORD), "secret written to " + f);
            }
        }
    }

    @Test
    void aRunThatThrowsEndsFailedLocallyAndOnTheServer() throws Exception {
        AbstractModule broken = new AbstractModule() {
            @Override
            protected void configure() {
                ModelRegistry.models(binder()).addBinding("broken").to(BrokenModel.class);
            }
        };
        Outcome o = run(Map.of("MLFLOW_TRACKING_URI", server.uri().toString(), "MLFLOW_TRACKING_USERNAME",
                MlflowServerProcess.ADMIN, "MLFLOW_TRACKING_PASSWORD", MlflowServerProcess.ADMIN_PASSWORD),
                args("failing", "broken"), broken);

        assertEquals(1, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("broken on purpose"), o.err());
        assertEquals(RunStatus.FAILED, new LocalRunStore(dir.resolve("mlruns")).runs().get(0).status());
        MlflowRest rest = new MlflowRest(server.uri(), MlflowServerProcess.ADMIN, MlflowServerProcess.ADMIN_PASSWORD);
        assertEquals("FAILED", rest.runs("failing").get(0).get("info").get("status").asText());
    }

    @Test
    void ctrlCMarksTheRunKilled() throws Exception {
        Path store = dir.resolve("mlruns");
        Path jar = Path.of("target/fmnist-runner.jar");
        assertTrue(Files.isRegularFile(jar), "the slow tier runs after 'package' has built " + jar);
        // A process started in the background by a non-interactive shell inherits SIGINT as ignored,
        // and the JVM then never sees the Ctrl-C; env gives the runner the default disposition back.
        Process p = new ProcessBuilder("env", "--default-signal=INT", "java", "-Xmx1g", "-jar", jar.toString(),
                "../experiments/baseline.yaml",
                "training.epochs=50", "output.save_model=false", "output.dir=" + dir.resolve("runs"), "tracking.mlflow.store=" + store,
                "tracking.mlflow.experiment=interrupted").redirectErrorStream(true).redirectOutput(dir.resolve("console.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(dir.resolve("console.txt")).contains("epoch  1/50") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.readString(dir.resolve("console.txt")).contains("epoch  1/50"), Files.readString(dir.resolve("console.txt")));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the runner stops on Ctrl-C");
        } finally {
            p.destroyForcibly();
        }
        LocalRunStore.LocalRun local = new LocalRunStore(store).runs().get(0);
        assertEquals(RunStatus.KILLED, local.status(), Files.readString(dir.resolve("console.txt")));
        assertTrue(local.endTime() != null);
        assertTrue(local.metrics().get("train_loss").size() >= 1, "what was measured before Ctrl-C is kept");
    }
}
