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
        @JsonPropertyDescription("How points are chosen: grid, every combination of sweep.grid; random, sweep.trials draws from sweep.space (and sweep.grid's lists); asha, those trials (or, with trials 0, the grid's combinations) under successive halving (sweep.asha).")
        Search search,
        @JsonPropertyDescription("Points a random or asha search draws.")
        int trials,
        @JsonPropertyDescription("Seed of a random search's draws, and of the order an asha search over the grid starts its combinations in, so that a search is the same every time; unset: the spec's seed.")
        Long seed,
        @JsonPropertyDescription("Metric the sweep's table is sorted by: val_accuracy or val_loss (of the kept epoch; choose on these), or test_accuracy, test_loss, test_macro_f1, test_f1_<class>.")
        String metric,
        @JsonPropertyDescription("What runs the points: 'local', this machine; 'spark', the tasks of a Spark application (sweep.spark); others register under their own name.")
        String executor,
        @JsonPropertyDescription("Points the local executor trains at once, at most the machine's cores; each point uses its model's own thread count.")
        int parallel,
        @JsonPropertyDescription("Settings of the spark executor.")
        SparkSpec spark,
        @JsonPropertyDescription("Settings of successive halving (sweep.search: asha).")
        AshaSpec asha) {

    private static final java.util.regex.Pattern SCIENTIFIC = java.util.regex.Pattern.compile("-?\\d\\.\\d+E-?\\d+");

    /** How a sweep chooses its points. */
    public enum Search { GRID, RANDOM, ASHA }

    public SweepSpec {
        grid = grid == null ? Map.of() : copy(grid);
        space = space == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(space));
        search = search == null ? Search.GRID : search;
        ParameterChecks.of()
                .require(search != Search.RANDOM || trials >= 1, "trials", trials, "must be at least 1 for a random search")
                .require(search == Search.RANDOM || (search == Search.ASHA && trials >= 1)
                                || space.values().stream().allMatch(d -> d.choice() != null), "space", space,
                        "can hold only choice: [...] lists when the points are the grid's combinations; draw from ranges with"
                                + " search: random, or search: asha and trials: N")
                .done();
        spark = spark == null ? new SparkSpec(null, Map.of(), null, null) : spark;
        asha = asha == null ? new AshaSpec(null, 3) : asha;
    }

    /** No sweep: the spec describes a single run. */
    @JsonIgnore
    public boolean isEmpty() {
        return grid.isEmpty() && space.isEmpty();
    }

    /** This sweep without its grid and space, as each of its points is saved: a point is a single run. */
    public SweepSpec withoutGrid() {
        return new SweepSpec(Map.of(), Map.of(), Search.GRID, 0, null, metric, executor, parallel, spark, asha);
    }

    /** This sweep with {@code grid} in place of its own. */
    public SweepSpec withGrid(Map<String, List<String>> grid) {
        return new SweepSpec(grid, space, search, trials, seed, metric, executor, parallel, spark, asha);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> grid) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        grid.forEach((k, v) -> copy.put(k, v == null ? List.of() : v.stream().map(SweepSpec::asWritten).toList()));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * A YAML number in a list reaches the spec as Java prints a double ({@code 0.0005} as {@code 5.0E-4}); it is
     * kept as a researcher writes it, so that labels, folders and {@code --point} show the value typed.
     */
    static String asWritten(String value) {
        return value != null && SCIENTIFIC.matcher(value).matches()
                ? new java.math.BigDecimal(value).stripTrailingZeros().toPlainString() : value;
    }
}
