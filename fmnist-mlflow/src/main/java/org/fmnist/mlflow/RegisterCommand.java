package org.fmnist.mlflow;

import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runner register RUN --name NAME}: a run's model as a new version in MLflow's model registry.
 * The run is copied to the server first (as {@code sync} would), and the version's source is the
 * run's MLflow model there ({@link MlflowOnnxModel}: what Python's MLflow loads and serves); fmnist's
 * own {@code predict --model models:/...} takes the same run's {@code model.zip}.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
        header = "Registers a run's model in MLflow's model registry.",
        description = {"Adds the run's MLflow model (its model.onnx, with signature and input example) as a new version of a registered model. The server: --tracking-uri, else "
                + "MLFLOW_TRACKING_URI, else the one ./runner ui runs.", "",
                "Example: ./runner register runs/baseline/latest --name fashion-dense --alias champion"})
final class RegisterCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The run folder whose model is registered")
    Path run;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The registered model's name")
    String name;

    @Option(names = "--alias", paramLabel = "ALIAS", description = "Also point this alias at the new version, e.g. champion")
    String alias;

    @Option(names = "--tracking-uri", paramLabel = "URL", description = "The MLflow server")
    URI trackingUri;

    @Option(names = "--store", paramLabel = "DIR", defaultValue = "mlruns", description = "Local store the run was recorded in (default: ${DEFAULT-VALUE})")
    Path store;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    @Inject
    RegisterCommand(Invocation invocation) {
        this.environment = invocation.environment();
    }

    @Override
    public Integer call() throws IOException {
        URI uri = LocalMlflowUi.server(trackingUri, environment).orElseThrow(() -> new SpecException(new SpecProblem(
                "command line", "", "no MLflow server to register with",
                "start one with ./runner ui, or give --tracking-uri http://HOST:PORT (or set MLFLOW_TRACKING_URI)")));
        if (!Files.isRegularFile(run.resolve("model.zip"))) {
            throw new SpecException(new SpecProblem(run.toString(), "", "holds no model.zip",
                    "give a run folder written with output.save_model: true"));
        }
        Path folder = run.toAbsolutePath().normalize();
        Optional<LocalRunStore.LocalRun> recorded = new LocalRunStore(store).runs().stream()
                .filter(r -> r.tags().containsKey("fmnist.run_folder"))
                .filter(r -> Path.of(r.tags().get("fmnist.run_folder")).normalize().equals(folder)).findFirst();
        if (recorded.isEmpty()) {
            throw new SpecException(new SpecProblem(run.toString(), "", "is not recorded in the local MLflow store "
                    + store.toAbsolutePath(), "give the store it was recorded in with --store (tracking.mlflow.store)"));
        }
        LocalRunStore.LocalRun local = recorded.get();
        // Runs recorded before runs logged their MLflow model get it now, from the model.onnx beside model.zip.
        if (!local.artifacts().containsKey(MlflowOnnxModel.ARTIFACT_PATH + "/MLmodel") && !MlflowOnnxModel.addTo(local, folder)) {
            throw new SpecException(new SpecProblem(run.toString(), "", "holds no " + MlflowOnnxModel.ONNX
                    + ", which the registered MLflow model is made of", "write it with ./runner export " + run
                    + " (a layer it cannot translate is named there), then register again"));
        }
        try (MlflowServer server = new MlflowServer(uri, MlflowServer.Credentials.fromEnvironment(environment),
                MlflowServer.Limits.DEFAULT)) {
            server.checkAccess();
            String serverRunId = new RunReplicator(server, local).sync().serverRunId();
            String source = server.run(serverRunId).getInfo().getArtifactUri() + "/" + MlflowOnnxModel.ARTIFACT_PATH;
            MlflowServer.ModelVersion version = server.registerVersion(name, serverRunId, source);
            if (alias != null) {
                server.setAlias(name, alias, version.version());
            }
            spec.commandLine().getOut().printf("registered model '%s' version %s%s on %s, from run %s (%s)%n", name,
                    version.version(), alias == null ? "" : " (alias @" + alias + ")", uri, serverRunId, source);
        }
        return ExitCode.OK;
    }
}
