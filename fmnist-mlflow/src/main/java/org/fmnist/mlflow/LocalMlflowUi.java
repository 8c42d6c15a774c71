package org.fmnist.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.tracking.TrackingException;

/**
 * The MLflow server {@code runner ui} keeps for a user: a SQLite database and the artifacts in one
 * data folder ({@code $XDG_DATA_HOME/fmnist/mlflow}, else {@code ~/.local/share/fmnist/mlflow}), on
 * 127.0.0.1 only. {@code ui.json} there names the running server, so a second {@code runner ui}
 * (or {@code runner register}) finds and reuses it.
 */
public final class LocalMlflowUi {
    private static final String STATE = "ui.json";
    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    private final Path home;
    private final ObjectMapper json = JsonMapperFactory.create();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public LocalMlflowUi(Path home) {
        this.home = home;
    }

    /** The standard data folder for {@code environment}. */
    public static Path defaultHome(Map<String, String> environment) {
        String xdg = environment.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("fmnist").resolve("mlflow");
    }

    /**
     * The server a registry command talks to: {@code given}, else {@code MLFLOW_TRACKING_URI}, else the
     * {@code runner ui} server running from the standard data folder.
     */
    public static Optional<URI> server(URI given, Map<String, String> environment) {
        if (given != null) {
            return Optional.of(given);
        }
        String fromEnv = environment.get("MLFLOW_TRACKING_URI");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(URI.create(fromEnv));
        }
        return new LocalMlflowUi(defaultHome(environment)).running().map(Running::uri);
    }

    /** A server this folder's {@code ui.json} names, alive and answering. */
    public record Running(long pid, int port) {
        public URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }
    }

    public Path home() {
        return home;
    }

    /** The server already running from this folder, if one is and it answers. */
    public Optional<Running> running() {
        Path state = home.resolve(STATE);
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        try {
            Running r = json.readValue(state.toFile(), Running.class);
            boolean alive = ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false);
            return alive && healthy(r.uri()) ? Optional.of(r) : Optional.empty();
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    /** Whether something already listens on {@code port} of 127.0.0.1. */
    public static boolean portTaken(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException free) {
            return false;
        }
    }

    /**
     * Starts {@code mlflow server} on {@code port} and waits until it answers.
     *
     * @throws TrackingException when it exits or does not answer in time, with its log's last lines
     */
    public Process start(MlflowInstallation.Commands mlflow, int port) throws IOException, InterruptedException {
        Files.createDirectories(home.resolve("artifacts"));
        Path log = home.resolve("server.log");
        Process server = new ProcessBuilder(mlflow.cli(), "server", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--workers", "1", "--backend-store-uri", "sqlite:///" + home.toAbsolutePath().resolve("mlflow.db"),
                "--artifacts-destination", home.toAbsolutePath().resolve("artifacts").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Running running = new Running(server.pid(), port);
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new TrackingException("mlflow server exited with " + server.exitValue() + "; the end of " + log + ": "
                        + tail(log) + ". Fix: see the log; --port chooses another port.", false, null);
            }
            if (healthy(running.uri())) {
                json.writeValue(home.resolve(STATE).toFile(), running);
                return server;
            }
            Thread.sleep(250);
        }
        stop(server);
        throw new TrackingException("mlflow server did not answer within " + START_LIMIT.toSeconds() + " s; see " + log, true, null);
    }

    /** Stops {@code server} and what it started, and forgets it. */
    public void stop(Process server) {
        server.descendants().forEach(ProcessHandle::destroy);
        server.destroy();
        try {
            Files.deleteIfExists(home.resolve(STATE));
        } catch (IOException ignored) {
            // The next start finds the server dead and starts another.
        }
    }

    private boolean healthy(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri.resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String tail(Path log) throws IOException {
        var lines = Files.readAllLines(log);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
