package org.fmnist.runner.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import jakarta.inject.Inject;
import java.util.Map;
import org.fmnist.runner.Invocation;
import org.fmnist.runner.RunnerMain;
import java.util.concurrent.Callable;
import org.fmnist.runner.tracking.LocalRunStore;
import org.fmnist.runner.tracking.MlflowServer;
import org.fmnist.runner.tracking.RunReplicator;
import org.fmnist.runner.tracking.TrackingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code runner sync}: copies the local MLflow store's runs to a tracking server, sending only what it lacks. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Copies runs from the local MLflow store to a tracking server.",
                "Only what the server lacks is sent, so syncing again sends nothing."})
final class SyncCommand implements Callable<Integer> {
    @Option(names = "--tracking-uri", paramLabel = "URL", description = "Server to copy to (default: MLFLOW_TRACKING_URI)")
    URI trackingUri;

    @Option(names = "--store", paramLabel = "DIR", defaultValue = "mlruns", description = "Local store (default: ${DEFAULT-VALUE})")
    Path store;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    @Inject
    SyncCommand(Invocation invocation) {
        this.environment = invocation.environment();
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI uri = trackingUri;
        if (uri == null && environment.get("MLFLOW_TRACKING_URI") != null) {
            uri = URI.create(environment.get("MLFLOW_TRACKING_URI"));
        }
        if (uri == null) {
            err.println("runner sync: no server given. Fix: --tracking-uri http://HOST:PORT, or set MLFLOW_TRACKING_URI.");
            return RunnerMain.BAD_INPUT;
        }
        List<LocalRunStore.LocalRun> runs = new LocalRunStore(store).runs();
        if (runs.isEmpty()) {
            out.println("runner sync: " + store.toAbsolutePath() + " holds no runs; nothing to send.");
            return RunnerMain.OK;
        }
        int failed = 0;
        try (MlflowServer server = new MlflowServer(uri, MlflowServer.Credentials.fromEnvironment(environment),
                MlflowServer.Limits.DEFAULT)) {
            server.checkAccess();
            for (LocalRunStore.LocalRun run : runs) {
                try {
                    RunReplicator.Outcome o = new RunReplicator(server, run).sync();
                    out.printf("%s %s (%s, %s) -> %s: %s%n", run.runId(), run.runName(), run.experimentName(), run.status(),
                            o.serverRunId(), o.sentNothing() ? "already complete"
                                    : (o.created() ? "created; " : "") + o.params() + " params, " + o.tags() + " tags, "
                                    + o.metrics() + " metric points, " + o.artifacts() + " artifacts sent"
                                    + (o.ended() ? ", status set" : ""));
                } catch (TrackingException e) {
                    failed++;
                    err.println(run.runId() + " " + run.runName() + ": not sent: " + e.getMessage());
                    if (!e.isTransient()) {
                        return RunnerMain.BAD_INPUT;
                    }
                }
            }
        } catch (TrackingException e) {
            err.println("runner sync: " + e.getMessage());
            return e.isTransient() ? RunnerMain.FAILED : RunnerMain.BAD_INPUT;
        }
        out.printf("runner sync: %d run%s checked against %s%s%n", runs.size(), runs.size() == 1 ? "" : "s", uri,
                failed == 0 ? "" : "; " + failed + " could not be sent (run sync again later)");
        return failed == 0 ? RunnerMain.OK : RunnerMain.FAILED;
    }
}
