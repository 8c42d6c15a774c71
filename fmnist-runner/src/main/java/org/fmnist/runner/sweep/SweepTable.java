package org.fmnist.runner.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The comparison of a sweep's points: best first by the sweep's metric, failed points last. */
public final class SweepTable {
    /** A point's mean training time per epoch, reported beside its results. */
    public static final String SECONDS_PER_EPOCH = "seconds_per_epoch";
    /** The column saying where a search left each point, when it stopped some early. */
    private static final String STATUS = "status";

    private SweepTable() {}

    /** Whether a smaller value of {@code metric} is better (losses), rather than a larger one. */
    public static boolean lowerIsBetter(String metric) {
        return metric.endsWith("_loss");
    }

    /**
     * The outcomes, best first by {@code metric}, ties broken as {@link #byMetric} breaks them and then by
     * point order; then the points a search stopped early, those that trained longest first, each epoch's
     * points by the metric there; failed points last.
     */
    public static List<PointOutcome> ranked(List<PointOutcome> outcomes, String metric) {
        List<PointOutcome> finished = outcomes.stream().filter(o -> !o.failed() && !o.paused()).toList();
        List<PointOutcome> stopped = outcomes.stream().filter(PointOutcome::paused).toList();
        List<PointOutcome> ranked = new ArrayList<>(finished.stream()
                .sorted(byMetric(metric, true, finished, PointOutcome::metrics).thenComparingInt(o -> o.point().index())).toList());
        ranked.addAll(stopped.stream().sorted(Comparator.comparing(PointOutcome::pausedAfter, Comparator.reverseOrder())
                .thenComparing(byMetric(metric, true, stopped, PointOutcome::metrics))
                .thenComparingInt(o -> o.point().index())).toList());
        ranked.addAll(outcomes.stream().filter(PointOutcome::failed).toList());
        return ranked;
    }

    /**
     * The order of a sweep's points and of {@code runner compare}'s runs: by {@code metric}, ties broken by
     * its companion (an accuracy's loss, a loss's accuracy, on the same split) where every item has it;
     * items without the metric last.
     *
     * @param bestFirst the best first (the metric's direction), else the worst
     */
    public static <T> Comparator<T> byMetric(String metric, boolean bestFirst, Collection<T> items,
                                             Function<T, Map<String, Double>> metricsOf) {
        Comparator<T> order = Comparator.comparing((T t) -> metricsOf.apply(t).get(metric) == null)
                .thenComparing(direction(metric, bestFirst, metricsOf));
        String companion = companion(metric);
        if (companion != null && items.stream().allMatch(t -> metricsOf.apply(t).get(companion) != null)) {
            order = order.thenComparing(direction(companion, bestFirst, metricsOf));
        }
        return order;
    }

    private static <T> Comparator<T> direction(String metric, boolean bestFirst, Function<T, Map<String, Double>> metricsOf) {
        Comparator<Double> values = lowerIsBetter(metric) == bestFirst ? Comparator.naturalOrder() : Comparator.reverseOrder();
        return Comparator.comparing(t -> metricsOf.apply(t).get(metric), Comparator.nullsLast(values));
    }

    /** The metric that breaks a tie in {@code metric}: val_accuracy's val_loss, test_loss's test_accuracy; else none. */
    static String companion(String metric) {
        if (metric.endsWith("_accuracy")) {
            return metric.substring(0, metric.length() - "accuracy".length()) + "loss";
        }
        return metric.endsWith("_loss") ? metric.substring(0, metric.length() - "loss".length()) + "accuracy" : null;
    }

    /**
     * A Markdown table of {@code ranked}: one column per grid key, where a search stopped a point (when it
     * stopped any), then the metric, test accuracy, macro F1 and seconds per epoch, and the point's folder
     * relative to {@code base}. A stopped point shows the metric at the epoch it stopped after, and nothing it
     * was never measured on.
     */
    public static String markdown(List<String> keys, List<PointOutcome> ranked, String metric, Path base) {
        boolean searchStopped = ranked.stream().anyMatch(PointOutcome::paused);
        List<String> columns = new ArrayList<>(List.of("rank", "point"));
        columns.addAll(keys);
        if (searchStopped) {
            columns.add(STATUS);
        }
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
            if (searchStopped) {
                cells.add(o.failed() ? "failed" : o.paused() ? "stopped after epoch " + o.pausedAfter() : "finished");
            }
            for (String c : columns.subList(2 + keys.size() + (searchStopped ? 1 : 0), columns.size() - 1)) {
                Double value = o.metrics().get(c);
                cells.add(o.failed() ? (c.equals(metric) ? "failed: " + o.failure().replace("|", "\\|") : "")
                        : value == null ? "" : String.format(Locale.ROOT, c.equals(SECONDS_PER_EPOCH) ? "%.1f" : "%.4f", value));
            }
            cells.add(o.folder() == null ? "" : base.relativize(o.folder()).toString());
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return md.toString();
    }
}
