package org.fmnist.mlflow;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fmnist.core.tracking.TrackingException;

/**
 * Copies every run of a local MLflow store to a server, sending only what the server lacks, so
 * copying again sends nothing. {@code runner sync} and {@code runner ui} both use it.
 */
public final class StoreSync {
    private StoreSync() {}

    /** How a copy ended: every run sent, some not (worth retrying), or refused outright (bad input). */
    public enum Result { COMPLETE, INCOMPLETE, REFUSED }

    /**
     * @param out one line per run, and a summary
     * @param err why a run was not sent
     */
    public static Result copy(Path store, URI server, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        List<LocalRunStore.LocalRun> runs = new LocalRunStore(store).runs();
        if (runs.isEmpty()) {
            out.println("runner sync: " + store.toAbsolutePath() + " holds no runs; nothing to send.");
            return Result.COMPLETE;
        }
        int failed = 0;
        try (MlflowServer connection = new MlflowServer(server, MlflowServer.Credentials.fromEnvironment(environment),
                MlflowServer.Limits.DEFAULT)) {
            connection.checkAccess();
            for (LocalRunStore.LocalRun run : runs) {
                try {
                    RunReplicator.Outcome o = new RunReplicator(connection, run).sync();
                    out.printf("%s %s (%s, %s) -> %s: %s%n", run.runId(), run.runName(), run.experimentName(), run.status(),
                            o.serverRunId(), o.sentNothing() ? "already complete"
                                    : (o.created() ? "created; " : "") + o.params() + " params, " + o.tags() + " tags, " + o.inputs() + " data sets, "
                                    + o.metrics() + " metric points, " + o.artifacts() + " artifacts sent"
                                    + (o.ended() ? ", status set" : ""));
                } catch (TrackingException e) {
                    failed++;
                    err.println(run.runId() + " " + run.runName() + ": not sent: " + e.getMessage());
                    if (!e.isTransient()) {
                        return Result.REFUSED;
                    }
                }
            }
        } catch (TrackingException e) {
            err.println("runner sync: " + e.getMessage());
            return e.isTransient() ? Result.INCOMPLETE : Result.REFUSED;
        }
        out.printf("runner sync: %d run%s checked against %s%s%n", runs.size(), runs.size() == 1 ? "" : "s", server,
                failed == 0 ? "" : "; " + failed + " could not be sent (run sync again later)");
        return failed == 0 ? Result.COMPLETE : Result.INCOMPLETE;
    }
}
