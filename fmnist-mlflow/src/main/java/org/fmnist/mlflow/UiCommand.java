package org.fmnist.mlflow;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runner ui}: the MLflow UI over every local run. Starts a local MLflow server (installing
 * MLflow once if needed), copies the local store's runs into it and serves until Ctrl-C; while one
 * runs, another {@code runner ui} copies the new runs into it and returns.
 */
@Command(name = "ui", mixinStandardHelpOptions = true,
        header = "Serves the MLflow UI with every local run in it, until Ctrl-C.",
        description = {"Starts MLflow on a local server (SQLite, in the user's data folder) and copies every run of the local "
                + "store into it. While one is running, copies new runs into it and returns instead.", "",
                "Example: ./runner ui",
                "         ./runner ui --port 5001 --store other-runs/mlruns"})
final class UiCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "5000", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--store", paramLabel = "DIR", defaultValue = "mlruns", description = "Local store whose runs are shown (default: ${DEFAULT-VALUE})")
    Path store;

    @Option(names = "--home", paramLabel = "DIR", description = "The server's data folder (default: ~/.local/share/fmnist/mlflow)")
    Path home;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Invocation invocation;

    @Inject
    UiCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> environment = invocation.environment();
        LocalMlflowUi ui = new LocalMlflowUi(home != null ? home : LocalMlflowUi.defaultHome(environment));
        Optional<LocalMlflowUi.Running> running = ui.running();
        if (running.isPresent()) {
            StoreSync.copy(store, running.get().uri(), environment, out, err);
            out.println("MLflow UI already running: " + modelTrainingView(running.get().uri(), environment) + " (pid "
                    + running.get().pid() + "); the local runs are in it");
            return ExitCode.OK;
        }
        if (LocalMlflowUi.portTaken(port)) {
            err.println("runner ui: port " + port + " on 127.0.0.1 is in use by another program. Fix: --port 5001 (or stop it).");
            return ExitCode.BAD_INPUT;
        }
        MlflowInstallation.Commands mlflow = MlflowInstallation.inUserCache(environment).ensure(invocation.out());
        Process server = ui.start(mlflow, port);
        // Ctrl-C ends the JVM through its shutdown hooks: the server goes with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ui.stop(server)));
        LocalMlflowUi.Running started = ui.running().orElseThrow();
        StoreSync.copy(store, started.uri(), environment, out, err);
        out.println("MLflow UI: " + modelTrainingView(started.uri(), environment) + "  (data in " + ui.home()
                + "; Ctrl-C stops it)");
        out.flush();
        int exit = server.waitFor();
        err.println("runner ui: the MLflow server stopped (exit " + exit + "); see " + ui.home().resolve("server.log"));
        return ExitCode.FAILED;
    }

    /**
     * The page to open: the newest local run's experiment in MLflow's Model training view (the runs
     * table, metric charts and compare), which MLflow 3 shows only when asked; it opens on its GenAI
     * view otherwise. The server itself when the store holds no run.
     */
    private String modelTrainingView(URI server, Map<String, String> environment) {
        List<LocalRunStore.LocalRun> runs = new LocalRunStore(store).runs();
        if (runs.isEmpty()) {
            return server.toString();
        }
        try (MlflowServer connection = new MlflowServer(server, MlflowServer.Credentials.fromEnvironment(environment),
                MlflowServer.Limits.DEFAULT)) {
            return server + "/#/experiments/" + connection.experimentId(runs.get(runs.size() - 1).experimentName())
                    + "?workflowType=machine_learning";
        }
    }
}
