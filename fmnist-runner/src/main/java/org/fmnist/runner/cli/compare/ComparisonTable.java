package org.fmnist.runner.cli.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.fmnist.runner.sweep.SweepTable;

/**
 * The runs {@code runner compare} was given, ranked by one metric, with a column for each
 * hyper-parameter whose value differs between them: what a researcher reads to pick the winner.
 */
final class ComparisonTable {
    /** Spec keys that name, place or record a run rather than shape what it learns: never a column. */
    private static final List<String> NOT_HYPERPARAMETERS = List.of("name", "description", "output.", "tracking.",
            "sweep.", "plugins", "data.dir", "data.cache", "data.mirror", "data.download", "captioning.");
    /** At most this many hyper-parameter columns; the others that differ are listed under the table. */
    static final int MOST_PARAMETERS = 8;

    /**
     * A column: its title, the cell it shows for a run ("-" where a run has no value), and the cell as CSV
     * has it (a plain number where the table groups digits or adds a unit).
     */
    private record Column(String title, boolean numeric, Function<ComparedRun, String> cell, Function<ComparedRun, String> raw) {
        Column(String title, boolean numeric, Function<ComparedRun, String> cell) {
            this(title, numeric, cell, cell);
        }
    }

    private final List<ComparedRun> ranked;
    private final String metric;
    private final List<String> parameters;
    private final List<String> moreDiffering;
    private final List<Column> columns = new ArrayList<>();

    /**
     * @param metric the summary metric to rank by
     * @param bestFirst whether the best run comes first (the metric's direction), else the worst
     * @param parameters the hyper-parameter columns, or null for those whose values differ
     */
    ComparisonTable(List<ComparedRun> runs, String metric, boolean bestFirst, List<String> parameters) {
        this.metric = metric;
        // As a sweep ranks its points, then in folder order, so the same runs always rank alike.
        this.ranked = runs.stream().sorted(SweepTable.byMetric(metric, bestFirst, runs, ComparedRun::summary)
                .thenComparing(r -> r.folder().toString())).toList();
        List<String> differing = differing(runs);
        this.parameters = parameters != null ? parameters : differing.stream().limit(MOST_PARAMETERS).toList();
        this.moreDiffering = differing.stream().filter(k -> !this.parameters.contains(k)).toList();
        build();
    }

    List<ComparedRun> ranked() {
        return ranked;
    }

    List<String> parameters() {
        return parameters;
    }

    /** The hyper-parameters whose values differ between the runs, in the spec's order. */
    static List<String> differing(List<ComparedRun> runs) {
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.addAll(r.params().keySet()));
        return keys.stream()
                .filter(k -> NOT_HYPERPARAMETERS.stream().noneMatch(skip -> k.equals(skip) || k.startsWith(skip)))
                .filter(k -> runs.stream().map(r -> r.params().get(k)).distinct().count() > 1)
                .toList();
    }

    private void build() {
        columns.add(new Column("rank", true, r -> r.metric(metric) == null ? "-" : Integer.toString(ranked.indexOf(r) + 1)));
        columns.add(new Column("run", false, ComparedRun::name));
        for (String key : parameters) {
            columns.add(new Column(key, false, r -> r.params().getOrDefault(key, "-")));
        }
        Set<String> metrics = new LinkedHashSet<>();
        metrics.add(metric);
        if (any("val_accuracy")) {
            metrics.addAll(List.of("val_accuracy", "val_loss"));
        }
        metrics.add("test_accuracy");
        if (any("test_plain_accuracy")) {
            metrics.add("test_plain_accuracy");
        }
        metrics.addAll(List.of("test_loss", "test_macro_f1", "test_f1_shirt"));
        for (String m : metrics) {
            columns.add(new Column(m, true, r -> r.metric(m) == null ? "-" : String.format(Locale.ROOT, "%.4f", r.metric(m))));
        }
        columns.add(new Column("parameters", true, r -> String.format(Locale.ROOT, "%,d", r.parameters()),
                r -> Long.toString(r.parameters())));
        columns.add(new Column("epochs", true, r -> r.epochs().isEmpty() ? "-" : Integer.toString(r.epochs().size())));
        columns.add(new Column("s/epoch", true,
                r -> r.secondsPerEpoch() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.secondsPerEpoch())));
        columns.add(new Column("training", true, r -> String.format(Locale.ROOT, "%.1f min", r.trainSeconds() / 60),
                r -> String.format(Locale.ROOT, "%.1f", r.trainSeconds())));
        columns.add(new Column("machine", false, ComparedRun::machine));
    }

    private boolean any(String metric) {
        return ranked.stream().anyMatch(r -> r.metric(metric) != null);
    }

    /** The table in Markdown, each run's folder linked relative to {@code base} (where the table is read). */
    String markdown(Path base) {
        StringBuilder md = new StringBuilder("| ");
        md.append(columns.stream().map(Column::title).collect(Collectors.joining(" | "))).append(" | folder |\n|");
        columns.forEach(c -> md.append(c.numeric() ? "---:|" : "---|"));
        md.append("---|\n");
        for (ComparedRun r : ranked) {
            String link = base.relativize(r.folder().toAbsolutePath().normalize()).toString();
            md.append("| ").append(columns.stream().map(c -> c.cell().apply(r).replace("|", "\\|")).collect(Collectors.joining(" | ")))
                    .append(" | [").append(link).append("](").append(link).append(") |\n");
        }
        if (!moreDiffering.isEmpty()) {
            md.append("\nAlso differing: ").append(String.join(", ", moreDiffering)).append(" (--params chooses the columns).\n");
        }
        return md.toString();
    }

    /** The table as CSV (RFC 4180: a field with a comma, quote or line break is quoted), with the full folder. */
    String csv() {
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>(columns.stream().map(c -> c.title().equals("training") ? "training_seconds"
                : c.title()).toList());
        header.add("folder");
        csv.append(header.stream().map(ComparisonTable::field).collect(Collectors.joining(","))).append('\n');
        for (ComparedRun r : ranked) {
            List<String> row = new ArrayList<>(columns.stream().map(c -> c.raw().apply(r)).toList());
            row.add(r.folder().toAbsolutePath().normalize().toString());
            csv.append(row.stream().map(ComparisonTable::field).collect(Collectors.joining(","))).append('\n');
        }
        return csv.toString();
    }

    private static String field(String value) {
        String v = Objects.requireNonNullElse(value, "");
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /** The metric a comparison ranks by unless told: validation accuracy when every run held out images, else test. */
    static String defaultMetric(List<ComparedRun> runs) {
        return runs.stream().allMatch(r -> r.metric("val_accuracy") != null) ? "val_accuracy" : "test_accuracy";
    }

    /** The summary metrics every run has, to name when a metric is unknown. */
    static Set<String> sharedMetrics(List<ComparedRun> runs) {
        Set<String> shared = new LinkedHashSet<>(runs.get(0).summary().keySet());
        runs.forEach(r -> shared.retainAll(r.summary().keySet()));
        return shared;
    }
}
