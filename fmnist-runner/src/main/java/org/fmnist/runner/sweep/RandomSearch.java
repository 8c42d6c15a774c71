package org.fmnist.runner.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fmnist.core.spec.Distribution;
import org.fmnist.core.spec.SweepSpec;

/**
 * A random search's trials: each draws every key of {@code sweep.space} from its distribution, and every
 * key of {@code sweep.grid} from its list, with one seeded generator, so the same spec draws the same
 * trials on any machine ({@link Random}'s sequence is fixed by its specification).
 */
final class RandomSearch {
    /** Drawn numbers keep this many significant digits: a value a researcher can read and type again. */
    private static final MathContext DIGITS = new MathContext(4);

    private RandomSearch() {}

    static List<SweepPoint> draw(SweepSpec sweep, long seed) {
        Random random = new Random(seed);
        List<SweepPoint> trials = new ArrayList<>();
        for (int i = 1; i <= sweep.trials(); i++) {
            Map<String, String> values = new LinkedHashMap<>();
            sweep.grid().forEach((key, list) -> values.put(key, list.get(random.nextInt(list.size()))));
            sweep.space().forEach((key, distribution) -> values.put(key, draw(distribution, random)));
            trials.add(new SweepPoint(i, values));
        }
        return trials;
    }

    /** One value of {@code d}, as the command line writes it. */
    static String draw(Distribution d, Random random) {
        if (d.choice() != null) {
            return d.choice().get(random.nextInt(d.choice().size()));
        }
        if (d.integer() != null) {
            return Integer.toString(d.integer().get(0) + random.nextInt(d.integer().get(1) - d.integer().get(0) + 1));
        }
        double u = random.nextDouble();
        double value = d.uniform() != null ? d.uniform().get(0) + u * (d.uniform().get(1) - d.uniform().get(0))
                : Math.exp(Math.log(d.loguniform().get(0)) + u * (Math.log(d.loguniform().get(1)) - Math.log(d.loguniform().get(0))));
        List<Double> range = d.uniform() != null ? d.uniform() : d.loguniform();
        // Rounding must not leave the range: the ends themselves are the nearest values inside it.
        double rounded = Math.min(range.get(1), Math.max(range.get(0), new BigDecimal(value).round(DIGITS).doubleValue()));
        return BigDecimal.valueOf(rounded).stripTrailingZeros().toPlainString();
    }
}
