package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.TreeMap;

/** Where the {@code spark} sweep executor sends a sweep's points. */
public record SparkSpec(
        @JsonPropertyDescription("Spark master: local[N] (this JVM, N task slots), spark://HOST:PORT (a standalone cluster), or unset to take the one spark-submit passes (else local[*]).")
        String master,
        @JsonPropertyDescription("Spark settings passed through as they are, e.g. {spark.executor.memory: 2g}.")
        Map<String, String> conf) {

    public SparkSpec {
        conf = conf == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(conf));
    }
}
