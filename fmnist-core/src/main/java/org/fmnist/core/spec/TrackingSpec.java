package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a run is recorded besides its run folder. */
public record TrackingSpec(
        @JsonPropertyDescription("Registered tracker: 'mlflow' (local store, plus the server when one is configured) or 'none' (run folder only).")
        String type,
        @JsonPropertyDescription("MLflow tracking server URL; unset: MLFLOW_TRACKING_URI; neither: local store only. Credentials go in MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN, never here.")
        String uri,
        @JsonPropertyDescription("Experiment the run is filed under; unset: MLFLOW_EXPERIMENT_NAME, else the spec's name.")
        String experiment,
        @JsonPropertyDescription("Folder of the local MLflow file store every run is written to (and synced from).")
        String store) {}
