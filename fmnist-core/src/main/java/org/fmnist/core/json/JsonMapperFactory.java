package org.fmnist.core.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration for the JSON files fmnist writes and reads (metrics, reports,
 * provenance, checkpoints, jobs, sweep tables): snake_case keys like the spec's YAML, ISO-8601 times,
 * indented, so every file a run leaves spells its keys the same way and diffs cleanly.
 */
public final class JsonMapperFactory {
    private JsonMapperFactory() {}

    /** A new mapper with that configuration; mappers are thread-safe, so callers keep one. */
    public static ObjectMapper create() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }
}
