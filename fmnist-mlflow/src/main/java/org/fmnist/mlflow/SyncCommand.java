package org.fmnist.mlflow;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code runner sync}: copies the local MLflow store's runs to a tracking server, sending only what it lacks. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        header = "Copies the local MLflow store's runs to a tracking server.",
        description = {"Only what the server lacks is sent, so syncing again sends nothing.", "",
                "Example: ./runner sync --tracking-uri http://127.0.0.1:5000"})
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
            return ExitCode.BAD_INPUT;
        }
        return switch (StoreSync.copy(store, uri, environment, out, err)) {
            case COMPLETE -> ExitCode.OK;
            case INCOMPLETE -> ExitCode.FAILED;
            case REFUSED -> ExitCode.BAD_INPUT;
        };
    }
}
