package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Captions attached to test predictions. */
public record CaptioningSpec(
        @JsonPropertyDescription("Caption generators to run, by name ('template', 'bert'); the first captions the sample grid. Empty: no captions.")
        List<String> generators,
        @JsonPropertyDescription("Test images captioned into captions.csv and measured for caption-class consistency.")
        int samples) {

    public CaptioningSpec {
        generators = generators == null ? List.of() : List.copyOf(generators);
    }
}
