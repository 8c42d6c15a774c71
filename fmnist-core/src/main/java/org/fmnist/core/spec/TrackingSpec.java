package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a run is recorded besides its run folder. */
public record TrackingSpec(
        @JsonPropertyDescription("Registered tracker to record the run with ('none': only the run folder).")
        String type,
        @JsonPropertyDescription("Tracking server URL; unset: MLFLOW_TRACKING_URI.")
        String uri,
        @JsonPropertyDescription("Experiment the run is filed under; unset: MLFLOW_EXPERIMENT_NAME, else the spec's name.")
        String experiment) {}
