package org.fmnist.runner.tracking;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fmnist.mlflow.MlflowInstallation;

/**
 * A real MLflow tracking server on a free loopback port, with its database and artifacts in a folder
 * of the test's. MLflow comes from {@link MlflowInstallation}: the pinned version, installed into the
 * user cache by the first test that needs it ({@code MLFLOW_CLI} names another).
 */
public final class MlflowServerProcess implements AutoCloseable {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "fmnist-test-admin-pw";

    private final Path dir;
    private final int port;
    private final boolean basicAuth;
    private Process process;

    private MlflowServerProcess(Path dir, int port, boolean basicAuth) {
        this.dir = dir;
        this.port = port;
        this.basicAuth = basicAuth;
    }

    public static MlflowServerProcess start(Path dir, boolean basicAuth) throws IOException, InterruptedException {
        MlflowServerProcess server = new MlflowServerProcess(dir, freePort(), basicAuth);
        server.start();
        return server;
    }

    /** Starts (or restarts after {@link #kill()}) the server on the same port and database. */
    public void start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String cli = MlflowInstallation.inUserCache(System.getenv()).ensure(System.err).cli();
        ProcessBuilder pb = new ProcessBuilder(cli, "server", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--workers", "1", "--backend-store-uri", "sqlite:///" + dir.toAbsolutePath().resolve("mlflow.db"),
                "--artifacts-destination", dir.toAbsolutePath().resolve("artifacts").toString());
        if (basicAuth) {
            pb.command().addAll(List.of("--app-name", "basic-auth"));
            Map<String, String> env = pb.environment();
            env.put("MLFLOW_FLASK_SERVER_SECRET_KEY", "fmnist-tests");
            env.put("MLFLOW_AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
            env.put("MLFLOW_AUTH_CONFIG_PATH", writeAuthConfig().toString());
        }
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("Cannot start '" + cli + " server': " + e.getMessage()
                    + ". Unset MLFLOW_CLI to let the tests install MLflow " + MlflowInstallation.VERSION + " themselves.", e);
        }
        awaitOk(process, uri().resolve("/health"), dir.resolve("server.log"));
    }

    /** A port nothing listens on now, on 127.0.0.1. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits until {@code probe} answers 200, for up to 180 s (MLflow's first start compiles its Python).
     *
     * @throws IOException with {@code log} when the process exits first or never answers
     */
    public static void awaitOk(Process process, URI probe, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(process.info().command().orElse("the process") + " exited with " + process.exitValue()
                        + "; see " + log + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(250);
        }
        throw new IOException(probe + " did not answer within 180 s; see " + log + ":\n" + Files.readString(log));
    }

    private Path writeAuthConfig() throws IOException {
        return Files.writeString(dir.resolve("auth.ini"), "[mlflow]\ndefault_permission = EDIT\n"
                + "database_uri = sqlite:///" + dir.toAbsolutePath().resolve("auth.db") + "\n"
                + "admin_username = " + ADMIN + "\nadmin_password = " + ADMIN_PASSWORD + "\n"
                + "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n");
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Kills the server and every process it started, as a crash would. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
        for (int i = 0; i < 100 && process.descendants().anyMatch(ProcessHandle::isAlive); i++) {
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
