package org.fmnist.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    /** The tag of a dataset input saying what the run did with it (train, validation, test). */
    static final String DATASET_CONTEXT = "mlflow.data.context";
    /** MLflow's name for a data set read from files, whose source is {@code {"uri": ...}}. */
    static final String DATASET_SOURCE_TYPE = "local";
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** A data set's source as MLflow writes a local one: {@code {"uri": "file:///..."}}. */
    static String datasetSource(String uri) {
        return JSON.createObjectNode().put("uri", uri).toString();
    }

    /** The URI in a source {@link #datasetSource} wrote. */
    static String datasetUri(String source) {
        try {
            return JSON.readTree(source).path("uri").asText(source);
        } catch (JsonProcessingException notJson) {
            return source;
        }
    }
}
