package org.fmnist.runner.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.spec.SweepSpec;

/**
 * One point of a sweep: a combination of its grid, or a trial of a random search.
 *
 * @param index 1-based position in the sweep
 * @param values the value of each key the sweep varies, in the order the sweep gives them
 */
public record SweepPoint(int index, Map<String, String> values) {

    public SweepPoint {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The points {@code sweep} runs: every combination of its grid (with the choices of its space), or, for a
     * random search and an asha search with {@code sweep.trials}, its trials drawn with {@code sweep.seed},
     * else {@code specSeed}.
     */
    public static List<SweepPoint> of(SweepSpec sweep, long specSeed) {
        if (sweep.search() == SweepSpec.Search.RANDOM || sweep.search() == SweepSpec.Search.ASHA && sweep.trials() > 0) {
            return RandomSearch.draw(sweep, sweep.seed() != null ? sweep.seed() : specSeed);
        }
        Map<String, List<String>> grid = new LinkedHashMap<>(sweep.grid());
        sweep.space().forEach((key, distribution) -> grid.put(key, distribution.choice()));
        return grid(grid);
    }

    /** Every combination of {@code grid}'s values, the last key varying fastest. */
    public static List<SweepPoint> grid(Map<String, List<String>> grid) {
        List<Map<String, String>> combinations = new ArrayList<>(List.of(new LinkedHashMap<>()));
        grid.forEach((key, values) -> {
            List<Map<String, String>> extended = new ArrayList<>();
            for (Map<String, String> partial : combinations) {
                for (String value : values) {
                    Map<String, String> next = new LinkedHashMap<>(partial);
                    next.put(key, value);
                    extended.add(next);
                }
            }
            combinations.clear();
            combinations.addAll(extended);
        });
        List<SweepPoint> points = new ArrayList<>();
        for (Map<String, String> values : combinations) {
            points.add(new SweepPoint(points.size() + 1, values));
        }
        return points;
    }

    /** The point as command-line overrides: {@code model.hidden=64}. */
    public List<String> overrides() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** {@code model.hidden=64 training.learning_rate=0.001}. */
    public String label() {
        return String.join(" ", overrides());
    }

    /** The point's folder name in the sweep folder: {@code point-03}. */
    public String folderName() {
        return String.format("point-%02d", index);
    }
}
