package org.fmnist.runner.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The comparison of a sweep's points: best first by the sweep's metric, failed points last. */
public final class SweepTable {
    /** A point's mean training time per epoch, reported beside its results. */
    public static final String SECONDS_PER_EPOCH = "seconds_per_epoch";

    private SweepTable() {}

    /** Whether a smaller value of {@code metric} is better (losses), rather than a larger one. */
    public static boolean lowerIsBetter(String metric) {
        return metric.endsWith("_loss");
    }

    /**
     * The outcomes, best first by {@code metric}, ties broken by its companion (an accuracy's loss, a
     * loss's accuracy, on the same split) and then by point order; failed points after the rest.
     */
    public static List<PointOutcome> ranked(List<PointOutcome> outcomes, String metric) {
        Comparator<PointOutcome> best = bestFirst(metric);
        String companion = companion(metric);
        if (companion != null && outcomes.stream().allMatch(o -> o.failed() || o.metrics().containsKey(companion))) {
            best = best.thenComparing(bestFirst(companion));
        }
        best = best.thenComparingInt(o -> o.point().index());
        List<PointOutcome> ranked = new ArrayList<>(outcomes.stream().filter(o -> !o.failed()).sorted(best).toList());
        ranked.addAll(outcomes.stream().filter(PointOutcome::failed).toList());
        return ranked;
    }

    private static Comparator<PointOutcome> bestFirst(String metric) {
        Comparator<PointOutcome> byMetric = Comparator.comparingDouble(o -> o.metrics().get(metric));
        return lowerIsBetter(metric) ? byMetric : byMetric.reversed();
    }

    /** The metric that breaks a tie in {@code metric}: val_accuracy's val_loss, test_loss's test_accuracy; else none. */
    static String companion(String metric) {
        if (metric.endsWith("_accuracy")) {
            return metric.substring(0, metric.length() - "accuracy".length()) + "loss";
        }
        return metric.endsWith("_loss") ? metric.substring(0, metric.length() - "loss".length()) + "accuracy" : null;
    }

    /**
     * A Markdown table of {@code ranked}: one column per grid key, then the metric, test accuracy,
     * macro F1 and seconds per epoch, and the point's folder relative to {@code base}.
     */
    public static String markdown(List<String> keys, List<PointOutcome> ranked, String metric, Path base) {
        List<String> columns = new ArrayList<>(List.of("rank", "point"));
        columns.addAll(keys);
        for (String m : List.of(metric, "test_accuracy", "test_macro_f1", SECONDS_PER_EPOCH)) {
            if (!columns.contains(m)) {
                columns.add(m);
            }
        }
        columns.add("folder");
        StringBuilder md = new StringBuilder();
        md.append("| ").append(String.join(" | ", columns)).append(" |\n|");
        for (String c : columns) {
            md.append(c.startsWith("test_") || c.startsWith("val_") || c.equals(SECONDS_PER_EPOCH) || c.equals("rank")
                    ? "---:|" : "---|");
        }
        md.append('\n');
        int rank = 0;
        for (PointOutcome o : ranked) {
            List<String> cells = new ArrayList<>();
            cells.add(o.failed() ? "–" : Integer.toString(++rank));
            cells.add(Integer.toString(o.point().index()));
            for (String k : keys) {
                cells.add(o.point().values().get(k));
            }
            for (String c : columns.subList(2 + keys.size(), columns.size() - 1)) {
                cells.add(o.failed() ? (c.equals(metric) ? "failed: " + o.failure().replace("|", "\\|") : "")
                        : String.format(Locale.ROOT, c.equals(SECONDS_PER_EPOCH) ? "%.1f" : "%.4f", o.metrics().get(c)));
            }
            cells.add(o.folder() == null ? "" : base.relativize(o.folder()).toString());
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return md.toString();
    }
}
