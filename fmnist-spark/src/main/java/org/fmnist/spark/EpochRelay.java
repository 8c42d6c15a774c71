package org.fmnist.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * The driver's end of live epochs: an executor training a point posts each epoch here
 * ({@link EpochReport}), and the driver records it at once in the point's records, which the driver
 * started and owns. Each epoch is recorded once per point whichever attempt sends it: when Spark runs a
 * point again after losing a worker, the new attempt's epochs, the same numbers, fill in only those the
 * lost attempt had not sent. It listens on the driver's own address, and takes only posts that carry the
 * sweep's token, which travels to executors inside the tasks.
 */
final class EpochRelay implements AutoCloseable {
    /** The header that carries the token. */
    static final String TOKEN_HEADER = "X-Fmnist-Token";
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    private final HttpServer server;
    private final ExecutorService handler;
    private final String token = HexFormat.of().formatHex(newToken());
    private final Map<Integer, Live> points = new ConcurrentHashMap<>();

    /** How a point's records start, when its first epoch comes. */
    interface Records {
        RunTrackers start() throws IOException;
    }

    /** A point training now: its records, started with its first epoch, and the epochs recorded. */
    private static final class Live {
        final Records records;
        final Set<Integer> epochs = new java.util.HashSet<>();
        RunTrackers trackers;

        Live(Records records) {
            this.records = records;
        }
    }

    /** What an executor posts: the point, and one epoch's metrics. */
    record Epoch(int point, EpochMetrics metrics) {}

    private EpochRelay(HttpServer server) {
        this.server = server;
        // One thread: a point's epochs are recorded in the order they come, one record write at a time.
        this.handler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fmnist-epoch-relay");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handler);
        server.createContext("/epoch", this::receive);
        server.start();
    }

    /** Listens on {@code host}, the driver's address that the executors reach, on a free port. */
    static EpochRelay on(String host) throws IOException {
        return new EpochRelay(HttpServer.create(new InetSocketAddress(host, 0), 0));
    }

    URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/epoch");
    }

    String token() {
        return token;
    }

    /**
     * Records the epochs posted for {@code point} from now until {@link #stop}, in the records {@code records}
     * starts with the first of them: a point that fails before its first epoch has none, as on this machine.
     */
    void start(int point, Records records) {
        points.put(point, new Live(records));
    }

    /**
     * Stops recording {@code point}'s epochs (a late post of a lost attempt is then dropped).
     *
     * @return the point's records, for the driver to complete; null when no epoch came
     */
    RunTrackers stop(int point) {
        Live live = points.remove(point);
        if (live == null) {
            return null;
        }
        synchronized (live) {
            return live.trackers;
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            String sent = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
            if (!"POST".equals(exchange.getRequestMethod()) || sent == null
                    || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                exchange.sendResponseHeaders(403, -1);
                return;
            }
            Epoch epoch = JSON.readValue(body, Epoch.class);
            Live live = points.get(epoch.point());
            if (live != null) {
                synchronized (live) {
                    if (live.trackers == null) {
                        live.trackers = live.records.start();
                    }
                    if (live.epochs.add(epoch.metrics().epoch())) {
                        live.trackers.onEpochEnd(epoch.metrics());
                    }
                }
            }
            exchange.sendResponseHeaders(204, -1);
        } catch (IOException | RuntimeException e) {
            // A record that fails now is still made from the finished folder; the point trains on.
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private static byte[] newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        server.stop(0);
        handler.shutdownNow();
    }
}
