package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spec values to try, each point one child run of one sweep: every combination of a grid, or trials
 * drawn at random from a search space.
 */
public record SweepSpec(
        @JsonPropertyDescription("Values to try, by spec key, e.g. {model.hidden: [32, 64, 128]}; every combination is one run. Empty: a single run.")
        Map<String, List<String>> grid,
        @JsonPropertyDescription("What a random search draws each key from, e.g. {training.learning_rate: {loguniform: [0.0001, 0.01]}, model.hidden: {int: [16, 128]}}.")
        Map<String, Distribution> space,
        @JsonPropertyDescription("How points are chosen: grid, every combination of sweep.grid; random, sweep.trials draws from sweep.space (and sweep.grid's lists).")
        Search search,
        @JsonPropertyDescription("Points a random search draws.")
        int trials,
        @JsonPropertyDescription("Seed of a random search's draws, so that it draws the same trials every time; unset: the spec's seed.")
        Long seed,
        @JsonPropertyDescription("Metric the sweep's table is sorted by: val_accuracy or val_loss (of the kept epoch; choose on these), or test_accuracy, test_loss, test_macro_f1, test_f1_<class>.")
        String metric,
        @JsonPropertyDescription("What runs the points: 'local', this machine; 'spark', the tasks of a Spark application (sweep.spark); others register under their own name.")
        String executor,
        @JsonPropertyDescription("Points the local executor trains at once, at most the machine's cores; each point uses its model's own thread count.")
        int parallel,
        @JsonPropertyDescription("Settings of the spark executor.")
        SparkSpec spark) {

    /** How a sweep chooses its points. */
    public enum Search { GRID, RANDOM }

    public SweepSpec {
        grid = grid == null ? Map.of() : copy(grid);
        space = space == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(space));
        search = search == null ? Search.GRID : search;
        ParameterChecks.of()
                .require(search != Search.RANDOM || trials >= 1, "trials", trials, "must be at least 1 for a random search")
                .require(search != Search.GRID || space.values().stream().allMatch(d -> d.choice() != null), "space",
                        space, "can hold only choice: [...] lists in a grid search; draw from ranges with search: random")
                .done();
        spark = spark == null ? new SparkSpec(null, Map.of(), null, null) : spark;
    }

    /** No sweep: the spec describes a single run. */
    @JsonIgnore
    public boolean isEmpty() {
        return grid.isEmpty() && space.isEmpty();
    }

    /** This sweep without its grid and space, as each of its points is saved: a point is a single run. */
    public SweepSpec withoutGrid() {
        return new SweepSpec(Map.of(), Map.of(), Search.GRID, 0, null, metric, executor, parallel, spark);
    }

    /** This sweep with {@code grid} in place of its own. */
    public SweepSpec withGrid(Map<String, List<String>> grid) {
        return new SweepSpec(grid, space, search, trials, seed, metric, executor, parallel, spark);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> grid) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        grid.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(copy);
    }
}
