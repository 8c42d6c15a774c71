package org.fmnist.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
    @TempDir
    Path tmp;

    private final IdxFixtures.ToyData toy = IdxFixtures.toyData(30, 10, 7);

    private DataLocator locator(List<DataLocator.Place> places, Optional<URI> mirror) {
        return new DataLocator(places, tmp.resolve("cache"), mirror, toy.manifest(), Duration.ofSeconds(5));
    }

    @Test
    void loadsNormalisedPixelsAndLabels() throws IOException {
        Path dir = toy.writeTo(tmp.resolve("d"), true);

        FashionMnist data = locator(List.of(new DataLocator.Place("spec", dir)), Optional.empty()).load();

        assertEquals(30, data.train().size());
        assertEquals(10, data.test().size());
        assertEquals((toy.trainImages()[16] & 0xFF) / 255f, data.train().pixels()[0]);
        for (float p : data.train().pixels()) {
            assertTrue(p >= 0 && p <= 1);
        }
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, data.train().classCounts());
        assertEquals(toy.manifest().trainImages().md5(), data.source().md5().get("train-images-idx3-ubyte"));
    }

    @Test
    void takesTheFirstPlaceThatHoldsAllFourFiles() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path partial = tmp.resolve("partial");
        IdxFixtures.write(partial.resolve(toy.manifest().trainImages().name()), toy.trainImages());
        Path second = toy.writeTo(tmp.resolve("second"), false);
        Path third = toy.writeTo(tmp.resolve("third"), true);

        FashionMnist data = locator(List.of(new DataLocator.Place("a", empty), new DataLocator.Place("b", partial),
                new DataLocator.Place("c", second), new DataLocator.Place("d", third)), Optional.empty()).load();

        assertEquals(second, data.source().directory());
        assertEquals("c", data.source().foundBy());
    }

    @Test
    void fallsBackToTheUserCache() throws IOException {
        toy.writeTo(tmp.resolve("cache"), true);

        FashionMnist data = locator(List.of(new DataLocator.Place("spec", tmp.resolve("missing"))), Optional.empty()).load();

        assertEquals(tmp.resolve("cache"), data.source().directory());
    }

    @Test
    void aCorruptFileIsAnErrorNotASilentFallback() throws IOException {
        Path bad = toy.writeTo(tmp.resolve("bad"), false);
        Files.write(bad.resolve(toy.manifest().testLabels().name()), new byte[] {0, 0, 8, 1, 0, 0, 0, 10, 1});
        Path good = toy.writeTo(tmp.resolve("good"), false);

        DataLocator locator = locator(List.of(new DataLocator.Place("spec", bad), new DataLocator.Place("env", good)),
                Optional.empty());

        DataException e = assertThrows(DataException.class, locator::load);
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void saysWhereItLookedAndHowToFixIt() {
        DataLocator locator = locator(List.of(new DataLocator.Place("data.dir in the spec", tmp.resolve("nowhere"))),
                Optional.empty());

        DataException e = assertThrows(DataException.class, locator::load);

        assertTrue(e.getMessage().contains(tmp.resolve("nowhere") + " (data.dir in the spec)"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("cache") + " (user cache)"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("FMNIST_DATA"), e.getMessage());
    }

    @Test
    void downloadsIntoTheCacheVerifiedAndOnlyOnce() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = serve(toy, requests, false);
        try {
            URI mirror = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/");
            FashionMnist first = locator(List.of(), Optional.of(mirror)).load();
            FashionMnist second = locator(List.of(), Optional.of(mirror)).load();

            assertEquals(4, requests.get());
            assertEquals(30, first.train().size());
            assertTrue(first.source().foundBy().contains("downloaded"));
            assertEquals("user cache", second.source().foundBy());
            assertTrue(Files.isRegularFile(tmp.resolve("cache").resolve("t10k-labels-idx1-ubyte.gz")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aCorruptDownloadLeavesNothingInTheCache() throws IOException {
        HttpServer server = serve(toy, new AtomicInteger(), true);
        try {
            URI mirror = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/");

            DataException e = assertThrows(DataException.class, () -> locator(List.of(), Optional.of(mirror)).load());

            assertTrue(e.getMessage().contains("Downloading from " + mirror + " failed"), e.getMessage());
            try (Stream<Path> left = Files.list(tmp.resolve("cache"))) {
                assertEquals(List.of(), left.toList());
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableMirrorIsReportedWithTheFix() {
        // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
        URI dead = URI.create("http://127.0.0.1:9/");

        DataException e = assertThrows(DataException.class, () -> locator(List.of(), Optional.of(dead)).load());

        assertTrue(e.getMessage().contains("Downloading from http://127.0.0.1:9/ failed"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cache").resolve("train-images-idx3-ubyte.gz")));
    }

    @Test
    void standardOrderIsSpecThenEnvironmentThenDebianThenCache() throws IOException {
        Path specDir = toy.writeTo(tmp.resolve("spec"), true);
        Path envDir = toy.writeTo(tmp.resolve("env"), true);
        Map<String, String> env = Map.of(DataLocator.ENV_VAR, envDir.toString());
        // The official manifest will not accept toy files, so the order is checked through the error
        // raised by the first place tried.
        DataException fromSpec = assertThrows(DataException.class,
                () -> DataLocator.standard(specDir, tmp.resolve("c"), Optional.empty(), env).load());
        DataException fromEnv = assertThrows(DataException.class,
                () -> DataLocator.standard(null, tmp.resolve("c"), Optional.empty(), env).load());

        assertTrue(fromSpec.getMessage().startsWith(specDir.toString()), fromSpec.getMessage());
        assertTrue(fromEnv.getMessage().startsWith(envDir.toString()), fromEnv.getMessage());
    }

    @Test
    void defaultCacheFollowsXdg() {
        assertEquals(Path.of("/x/cache/fmnist"), DataLocator.defaultCache(Map.of("XDG_CACHE_HOME", "/x/cache")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "fmnist"), DataLocator.defaultCache(Map.of()));
    }

    private static HttpServer serve(IdxFixtures.ToyData toy, AtomicInteger requests, boolean corrupt) throws IOException {
        Path served = Files.createTempDirectory("mirror");
        toy.writeTo(served, true);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/files/", exchange -> {
            requests.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring("/files/".length());
            Path file = served.resolve(name);
            byte[] body = Files.exists(file) ? Files.readAllBytes(file) : null;
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                if (corrupt) {
                    body = IdxFixtures.md5(body).getBytes();
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        return server;
    }
}
