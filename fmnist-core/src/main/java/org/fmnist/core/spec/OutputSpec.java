package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What a run writes, and where. */
public record OutputSpec(
        @JsonPropertyDescription("Folder that run folders are created in, as DIR/NAME/TIMESTAMP.")
        String dir,
        @JsonPropertyDescription("Save the trained model (with its optimizer state) as model.zip.")
        boolean saveModel,
        @JsonPropertyDescription("Test images shown in the sample-predictions grid (half right, half wrong where possible).")
        int samples) {}
