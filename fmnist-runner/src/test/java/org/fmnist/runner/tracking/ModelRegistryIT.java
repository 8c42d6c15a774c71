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
import java.util.Map;
import java.util.stream.Stream;
import org.fmnist.runner.RunnerMainAccess.Outcome;
import org.fmnist.runner.RunnerMainAccess;
import org.fmnist.runner.folder.RunFolder;
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
        assertTrue(version.get("source").asText().endsWith("/model.zip"), version.toString());
        JsonNode serverRun = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(uri + "/api/2.0/mlflow/runs/get?run_id=" + version.get("run_id").asText())).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("run");
        assertTrue(serverRun.toString().contains(run.toAbsolutePath().toString()), "the version's run is this run folder's");

        Outcome fromFolder = runner("predict", "--model", run.toString(), "test:0", "test:1", "test:2");
        Outcome byVersion = runner("predict", "--model", "models:/fashion/1", "--tracking-uri", uri, "test:0", "test:1", "test:2");
        Outcome byAlias = runner("predict", "--model", "models:/fashion@champion", "--tracking-uri", uri, "test:0", "test:1",
                "test:2");
        assertEquals(0, byVersion.exit(), byVersion.err());
        assertEquals(3, fromFolder.out().lines().count(), fromFolder.out());
        assertEquals(fromFolder.out(), byVersion.out());
        assertEquals(fromFolder.out(), byAlias.out());
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
