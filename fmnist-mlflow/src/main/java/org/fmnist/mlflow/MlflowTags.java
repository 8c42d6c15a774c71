package org.fmnist.mlflow;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fmnist.core.tracking.RunTracker;

/**
 * The one place fmnist's run facts become MLflow's reserved tags ({@code mlflow.runName},
 * {@code mlflow.source.*}, {@code mlflow.user}, {@code mlflow.note.content},
 * {@code mlflow.parentRunId}), which the MLflow UI reads to name, link and nest runs.
 */
public final class MlflowTags {
    public static final String PARENT_RUN_ID = "mlflow.parentRunId";
    public static final String USER = "mlflow.user";

    private MlflowTags() {}

    /** MLflow's tags for {@code run}, then fmnist's own labels. */
    static Map<String, String> of(RunTracker.RunDescription run) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", run.runName());
        tags.put("mlflow.source.name", run.specFile());
        tags.put("mlflow.source.type", "LOCAL");
        tags.put(USER, System.getProperty("user.name", ""));
        if (run.gitCommit() != null) {
            tags.put("mlflow.source.git.commit", run.gitCommit());
        }
        if (run.note() != null) {
            tags.put("mlflow.note.content", run.note());
        }
        if (run.parentRunId() != null) {
            tags.put(PARENT_RUN_ID, run.parentRunId());
        }
        tags.putAll(run.labels());
        return tags;
    }
}
