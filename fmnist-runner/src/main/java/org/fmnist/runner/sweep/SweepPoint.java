package org.fmnist.runner.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fmnist.core.spec.SweepSpec;

/**
 * One point of a sweep: a combination of its grid, or a trial of a random search.
 *
 * @param index 1-based position in the sweep
 * @param values the value of each key the sweep varies, in the order the sweep gives them
 */
public record SweepPoint(int index, Map<String, String> values) {

    public SweepPoint {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The points {@code sweep} runs: every combination of its grid (with the choices of its space), or, for a
     * random search and an asha search with {@code sweep.trials}, its trials drawn with {@code sweep.seed},
     * else {@code specSeed}. An asha search over the grid takes its combinations in an order shuffled with
     * that seed: successive halving promotes a trial while it is in the top 1/η of the trials that reached
     * its rung <em>so far</em>, and in grid order the first trials are one corner of the space (all the
     * narrowest networks, say), so the first comparisons promote trials a full rung would stop.
     */
    public static List<SweepPoint> of(SweepSpec sweep, long specSeed) {
        long seed = sweep.seed() != null ? sweep.seed() : specSeed;
        if (sweep.search() == SweepSpec.Search.RANDOM || sweep.search() == SweepSpec.Search.ASHA && sweep.trials() > 0) {
            return RandomSearch.draw(sweep, seed);
        }
        Map<String, List<String>> grid = new LinkedHashMap<>(sweep.grid());
        sweep.space().forEach((key, distribution) -> grid.put(key, distribution.choice()));
        List<Map<String, String>> combinations = combinations(grid);
        if (sweep.search() == SweepSpec.Search.ASHA) {
            // Random's sequence is fixed by its specification, so the same spec starts its trials in the same order anywhere.
            Collections.shuffle(combinations, new Random(seed));
        }
        return numbered(combinations);
    }

    /** Every combination of {@code grid}'s values, the last key varying fastest. */
    public static List<SweepPoint> grid(Map<String, List<String>> grid) {
        return numbered(combinations(grid));
    }

    private static List<Map<String, String>> combinations(Map<String, List<String>> grid) {
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
        return combinations;
    }

    /** Points 1, 2, ... with {@code values}, in their order. */
    private static List<SweepPoint> numbered(List<Map<String, String>> values) {
        List<SweepPoint> points = new ArrayList<>();
        for (Map<String, String> v : values) {
            points.add(new SweepPoint(points.size() + 1, v));
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
