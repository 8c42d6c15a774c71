package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A grid of spec values to try: every combination is one child run of one sweep. */
public record SweepSpec(
        @JsonPropertyDescription("Values to try, by spec key, e.g. {model.hidden: [32, 64, 128]}; every combination is one run. Empty: a single run.")
        Map<String, List<String>> grid,
        @JsonPropertyDescription("Metric the sweep's table is sorted by: val_accuracy or val_loss (of the kept epoch; choose on these), or test_accuracy, test_loss, test_macro_f1, test_f1_<class>.")
        String metric,
        @JsonPropertyDescription("What runs the points: 'local', this machine; 'spark', the tasks of a Spark application (sweep.spark); others register under their own name.")
        String executor,
        @JsonPropertyDescription("Points the local executor trains at once, at most the machine's cores; each point uses its model's own thread count.")
        int parallel,
        @JsonPropertyDescription("Settings of the spark executor.")
        SparkSpec spark) {

    public SweepSpec {
        grid = grid == null ? Map.of() : copy(grid);
        spark = spark == null ? new SparkSpec(null, Map.of(), null, null) : spark;
    }

    /** No sweep: the spec describes a single run. */
    @JsonIgnore
    public boolean isEmpty() {
        return grid.isEmpty();
    }

    /** This sweep without its grid, as each of its points is saved: a point is a single run. */
    public SweepSpec withoutGrid() {
        return new SweepSpec(Map.of(), metric, executor, parallel, spark);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> grid) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        grid.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(copy);
    }
}
