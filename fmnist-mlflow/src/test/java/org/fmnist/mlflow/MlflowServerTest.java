package org.fmnist.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fmnist.core.tracking.TrackingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

/** Fast checks of the server connection's own behaviour: timeouts, retries, limits and artifact paths. */
class MlflowServerTest {
    private static final MlflowServer.Credentials NONE = new MlflowServer.Credentials(null, null, null);

    @TempDir
    Path dir;

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOut() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            MlflowServer.Limits quick = new MlflowServer.Limits(Duration.ofMillis(500), Duration.ofMillis(700), 2, Duration.ofMillis(100));
            try (MlflowServer server = new MlflowServer(URI.create("http://127.0.0.1:" + silent.getLocalPort()), NONE, quick)) {
                long start = System.nanoTime();
                TrackingException e = assertThrows(TrackingException.class, server::checkAccess);
                double seconds = (System.nanoTime() - start) / 1e9;

                assertTrue(e.isTransient(), e.getMessage());
                assertTrue(seconds < 10, "gave up after " + seconds + " s");
                assertTrue(held.size() >= 2, "retried once: " + held.size() + " connections");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void retriesOnlyTransientFailures() {
        MlflowServer.Limits quick = new MlflowServer.Limits(Duration.ofMillis(200), Duration.ofMillis(200), 3, Duration.ofMillis(1));
        try (MlflowServer server = new MlflowServer(URI.create("http://127.0.0.1:9"), NONE, quick)) {
            AtomicInteger calls = new AtomicInteger();
            assertEquals("ok", server.call("test", () -> calls.incrementAndGet() < 3
                    ? failWith(new MlflowHttpException(503, "unavailable")) : "ok"));
            assertEquals(3, calls.get());

            calls.set(0);
            assertThrows(TrackingException.class, () -> server.call("test", () -> {
                calls.incrementAndGet();
                return failWith(new MlflowHttpException(400, "bad request"));
            }));
            assertEquals(1, calls.get(), "a 400 is not retried");

            calls.set(0);
            TrackingException auth = assertThrows(TrackingException.class, () -> server.call("test", () -> {
                calls.incrementAndGet();
                return failWith(new MlflowHttpException(401, "unauthorized"));
            }));
            assertEquals(1, calls.get());
            assertFalse(auth.isTransient());
            assertTrue(auth.getMessage().contains("refused the credentials"));

            calls.set(0);
            assertThrows(TrackingException.class, () -> server.call("test", () -> {
                calls.incrementAndGet();
                return failWith(new MlflowHttpException(429, "slow down"));
            }));
            assertEquals(3, calls.get(), "429 is retried up to the attempt limit");
        }
    }

    private static String failWith(MlflowClientException e) {
        throw e;
    }

    @Test
    void transientMeansThrottledServerErrorsAndIo() {
        assertTrue(MlflowServer.isTransient(new MlflowHttpException(429, "x")));
        assertTrue(MlflowServer.isTransient(new MlflowHttpException(502, "x")));
        assertTrue(MlflowServer.isTransient(new MlflowClientException(new IOException("refused"))));
        assertTrue(MlflowServer.isTransient(new IOException("reset")));
        assertFalse(MlflowServer.isTransient(new MlflowHttpException(404, "x")));
        assertFalse(MlflowServer.isTransient(new MlflowClientException("bad json")));
    }

    @Test
    void chunksRespectTheLimit() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 2001; i++) {
            items.add(i);
        }
        List<List<Integer>> chunks = MlflowServer.chunks(items, MlflowServer.MAX_METRICS_PER_BATCH);

        assertEquals(3, chunks.size());
        assertEquals(1000, chunks.get(0).size());
        assertEquals(1, chunks.get(2).size());
        assertEquals(items, chunks.stream().flatMap(List::stream).toList());
    }

    @Test
    void artifactPathsOutsideTheRunAreRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        try (MlflowServer server = new MlflowServer(URI.create("http://127.0.0.1:9"), NONE, MlflowServer.Limits.DEFAULT)) {
            for (String bad : List.of("../escape.txt", "/etc/passwd", "a/../../b", "..", "a/./b", "a\\b", "")) {
                assertThrows(IllegalArgumentException.class,
                        () -> server.putArtifact("mlflow-artifacts:/1/abc/artifacts", bad, file), bad);
            }
        }
        LocalRunStore.LocalRun run = new LocalRunStore(dir.resolve("mlruns")).createRun("e", "r", "u", 1);
        assertThrows(IllegalArgumentException.class, () -> run.addArtifact(file, "../../outside.txt"));
        assertFalse(Files.exists(dir.resolve("mlruns").resolve("outside.txt")));
        assertEquals("plots/confusion-matrix.png", ArtifactPaths.checked("plots/confusion-matrix.png"));
    }

    @Test
    void credentialsNeverPrint() {
        assertFalse(new MlflowServer.Credentials("alice", "s3cret", null).toString().contains("s3cret"));
        assertFalse(new MlflowServer.Credentials(null, null, "tok3n").toString().contains("tok3n"));
    }
}
