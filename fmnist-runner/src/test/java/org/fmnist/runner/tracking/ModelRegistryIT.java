package org.fmnist.runner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.Split;
import org.fmnist.mlflow.MlflowInstallation;
import org.fmnist.runner.RunnerMainAccess.Outcome;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.folder.RunOutputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner register} and {@code runner predict --model models:/...} against a real MLflow server. */
class ModelRegistryIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static MlflowServerProcess server;
    private static Path run;

    @BeforeAll
    static void aServerAndATrainedRun() throws Exception {
        server = MlflowServerProcess.start(dir.resolve("server"), false);
        Outcome trained = RunnerMainAccess.run(Map.of(), "../experiments/baseline.yaml", "training.epochs=1",
                "data.train_limit=2000", "data.test_limit=300", "output.samples=0", "output.dir=" + dir.resolve("runs"),
                "tracking.mlflow.store=" + dir.resolve("mlruns"));
        assertEquals(0, trained.exit(), trained.err());
        try (Stream<Path> runs = Files.list(dir.resolve("runs/baseline"))) {
            run = runs.filter(RunFolder::isRun).findFirst().orElseThrow();
        }
    }

    @AfterAll
    static void stopTheServer() throws Exception {
        server.close();
    }

    private static Outcome runner(String... args) {
        return RunnerMainAccess.run(Map.of(), args);
    }

    @Test
    void aRegisteredVersionPredictsLikeTheRunItCameFrom() throws Exception {
        String uri = server.uri().toString();
        Outcome first = runner("register", run.toString(), "--name", "fashion", "--alias", "champion",
                "--tracking-uri", uri, "--store", dir.resolve("mlruns").toString());
        Outcome second = runner("register", run.toString(), "--name", "fashion", "--tracking-uri", uri,
                "--store", dir.resolve("mlruns").toString());

        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("registered model 'fashion' version 1 (alias @champion)"), first.out());
        assertTrue(second.out().contains("version 2"), second.out());
        JsonNode version = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(uri + "/api/2.0/mlflow/model-versions/get?name=fashion&version=1")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("model_version");
        assertTrue(version.get("source").asText().endsWith("/model"), version.toString());
        JsonNode serverRun = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(uri + "/api/2.0/mlflow/runs/get?run_id=" + version.get("run_id").asText())).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("run");
        assertTrue(serverRun.toString().contains(run.toAbsolutePath().toString()), "the version's run is this run folder's");
        // The version's page in the MLflow UI, as a browser shows it, has the signature's schema: one input, one output.
        String page = HeadlessChromium.render(URI.create(uri + "/#/models/fashion/versions/1"),
                Path.of("target", "ui-screenshots", "model-version.png"));
        assertTrue(page.contains("Inputs (1)") && page.contains("Outputs (1)"), "the signature's schema on the version page");

        Outcome fromFolder = runner("predict", "--model", run.toString(), "test:0", "test:1", "test:2");
        Outcome byVersion = runner("predict", "--model", "models:/fashion/1", "--tracking-uri", uri, "test:0", "test:1", "test:2");
        Outcome byAlias = runner("predict", "--model", "models:/fashion@champion", "--tracking-uri", uri, "test:0", "test:1",
                "test:2");
        assertEquals(0, byVersion.exit(), byVersion.err());
        assertEquals(3, fromFolder.out().lines().count(), fromFolder.out());
        assertEquals(fromFolder.out(), byVersion.out());
        assertEquals(fromFolder.out(), byAlias.out());
    }

    /**
     * The other side: MLflow's own Python loader and scoring server take the registered version and
     * answer with the classes {@code runner predict} gives for the same test images.
     */
    @Test
    void pythonsMlflowLoadsAndServesTheVersionWithRunnersClasses() throws Exception {
        String uri = server.uri().toString();
        Outcome registered = runner("register", run.toString(), "--name", "served", "--tracking-uri", uri,
                "--store", dir.resolve("mlruns").toString());
        assertEquals(0, registered.exit(), registered.out() + registered.err());
        int n = 8;
        Outcome byRunner = runner(Stream.concat(Stream.of("predict", "--model", run.toString()),
                IntStream.range(0, n).mapToObj(i -> "test:" + i)).toArray(String[]::new));
        assertEquals(0, byRunner.exit(), byRunner.err());
        List<String> expected = byRunner.out().lines().map(l -> l.substring(l.indexOf(": ") + 2, l.indexOf(" ("))).toList();
        Split test = DataLocator.standard(null, DataLocator.defaultCache(System.getenv()), Optional.empty(), System.getenv())
                .load().test();
        Path images = dir.resolve("images.json");
        JSON.writeValue(images.toFile(), IntStream.range(0, n).mapToObj(i -> RunOutputs.inputExample(test.image(i))[0]).toList());
        MlflowInstallation.Commands mlflow = MlflowInstallation.inUserCache(System.getenv()).ensure(System.err);

        ProcessBuilder python = new ProcessBuilder(mlflow.python(),
                Path.of(ModelRegistryIT.class.getResource("/python/pyfunc_predict.py").toURI()).toString(),
                "models:/served/1", images.toString()).redirectErrorStream(true);
        python.environment().put("MLFLOW_TRACKING_URI", uri);
        List<String> loaded = output(python.start()).lines().filter(l -> !l.contains(" WARNING ")).toList();
        assertEquals("input image [-1, 1, 28, 28] float32", loaded.get(0), String.join("\n", loaded));
        assertEquals(expected, loaded.subList(1, loaded.size()), String.join("\n", loaded));

        int port = MlflowServerProcess.freePort();
        ProcessBuilder serve = new ProcessBuilder(mlflow.cli(), "models", "serve", "-m", "models:/served/1", "--env-manager",
                "local", "--host", "127.0.0.1", "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
        serve.environment().put("MLFLOW_TRACKING_URI", uri);
        // MLflow starts its scoring server as "uvicorn", from the PATH: the virtualenv's, as when it is activated.
        serve.environment().put("PATH", Path.of(mlflow.cli()).getParent() + ":" + System.getenv("PATH"));
        Process serving = serve.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            MlflowServerProcess.awaitOk(serving, base.resolve("/ping"), dir.resolve("serve.log"));
            String body = "{\"inputs\": " + Files.readString(images) + "}";
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/invocations"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            List<String> served = new ArrayList<>();
            for (JsonNode row : JSON.readTree(answer.body()).path("predictions").path("probabilities")) {
                int best = 0;
                for (int c = 1; c < row.size(); c++) {
                    best = row.get(c).asDouble() > row.get(best).asDouble() ? c : best;
                }
                served.add(FashionClass.values()[best].displayName());
            }
            assertEquals(expected, served, answer.body());
        } finally {
            serving.descendants().forEach(ProcessHandle::destroy);
            serving.destroy();
        }
    }

    private static String output(Process process) throws Exception {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, process.exitValue(), out);
        return out;
    }

    @Test
    void aNameOrVersionThatDoesNotExistIsAClearError() {
        String uri = server.uri().toString();
        Outcome registered = runner("register", run.toString(), "--name", "known", "--tracking-uri", uri,
                "--store", dir.resolve("mlruns").toString());
        Outcome noVersion = runner("predict", "--model", "models:/known/9", "--tracking-uri", uri, "test:0");
        Outcome noModel = runner("predict", "--model", "models:/unknown/1", "--tracking-uri", uri, "test:0");
        Outcome noAlias = runner("predict", "--model", "models:/known@nobody", "--tracking-uri", uri, "test:0");

        assertEquals(0, registered.exit(), registered.err());
        assertEquals(2, noVersion.exit(), noVersion.out() + noVersion.err());
        assertTrue(noVersion.err().contains("no model 'known' version 9") && noVersion.err().contains("has versions 1"),
                noVersion.err());
        assertEquals(2, noModel.exit());
        assertTrue(noModel.err().contains("no model 'unknown' version 1") && noModel.err().contains("no model of that name"),
                noModel.err());
        assertEquals(2, noAlias.exit());
        assertTrue(noAlias.err().contains("has no model 'known' alias @nobody (model 'known' has versions 1)"), noAlias.err());
        assertFalse(noVersion.err().contains("\tat "), noVersion.err());
    }

    @Test
    void withoutAServerRegisterSaysHowToStartOne() {
        Outcome o = RunnerMainAccess.run(Map.of("XDG_DATA_HOME", dir.resolve("no-ui").toString()), "register",
                run.toString(), "--name", "x");

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("no MLflow server") && o.err().contains("./runner ui"), o.err());
    }
}
