package org.fmnist.core.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.eval.ClassificationReport;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.train.EpochMetrics;

/** What a run hands its tracker: params, metrics and tables, named as researchers search for them. */
public final class TrackedValues {
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    private TrackedValues() {}

    /** Every key of the resolved spec, flattened: {@code model.hidden=32}. Unset keys are left out. */
    public static Map<String, String> params(JsonNode spec) {
        Map<String, String> params = new LinkedHashMap<>();
        flatten(spec, "", params);
        return params;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out));
        } else if (!node.isNull()) {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }

    /** Per-epoch metrics; the evaluated split is "val" or "test". */
    public static Map<String, Double> epoch(EpochMetrics m) {
        String split = m.evalSplit().equals("validation") ? "val" : m.evalSplit();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", m.trainLoss());
        metrics.put("train_accuracy", m.trainAccuracy());
        metrics.put(split + "_loss", m.evalLoss());
        metrics.put(split + "_accuracy", m.evalAccuracy());
        metrics.put("epoch_seconds", m.seconds());
        metrics.put("samples_per_second", m.samplesPerSecond());
        metrics.put("learning_rate", m.learningRate());
        return metrics;
    }

    /**
     * Final test metrics, per class too ({@code test_f1_shirt}). When the test set was already the
     * per-epoch split, its loss and accuracy were logged at the last epoch and are not repeated.
     */
    public static Map<String, Double> test(Evaluation test, boolean testWasPerEpochSplit, double trainSeconds) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (!testWasPerEpochSplit) {
            metrics.put("test_loss", test.loss());
            metrics.put("test_accuracy", test.accuracy());
        }
        ClassificationReport r = test.report();
        metrics.put("test_macro_precision", r.macro().precision());
        metrics.put("test_macro_recall", r.macro().recall());
        metrics.put("test_macro_f1", r.macro().f1());
        metrics.put("test_weighted_f1", r.weighted().f1());
        for (ClassificationReport.ClassMetrics c : r.perClass()) {
            String k = c.fashionClass().key();
            metrics.put("test_precision_" + k, c.precision());
            metrics.put("test_recall_" + k, c.recall());
            metrics.put("test_f1_" + k, c.f1());
        }
        metrics.put("train_seconds", trainSeconds);
        return metrics;
    }

    /** The keys of {@link #test}'s metrics a sweep can be sorted by (all but the training time). */
    public static java.util.Set<String> testMetricNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(List.of("test_loss", "test_accuracy",
                "test_macro_precision", "test_macro_recall", "test_macro_f1", "test_weighted_f1"));
        for (FashionClass c : FashionClass.values()) {
            for (String measure : List.of("precision", "recall", "f1")) {
                names.add("test_" + measure + "_" + c.key());
            }
        }
        return names;
    }

    /** MLflow tables ({"columns": [...], "data": [[...]]}), shown as tables in the MLflow UI. */
    public static Map<String, String> tables(Evaluation test) {
        Map<String, String> tables = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>(List.of("true \\ predicted"));
        for (FashionClass c : FashionClass.values()) {
            columns.add(c.displayName());
        }
        List<List<Object>> rows = new ArrayList<>();
        int[][] counts = test.confusion().counts();
        for (FashionClass c : FashionClass.values()) {
            List<Object> row = new ArrayList<>(List.of(c.displayName()));
            for (int n : counts[c.label()]) {
                row.add(n);
            }
            rows.add(row);
        }
        tables.put("confusion_matrix.json", table(columns, rows));
        List<List<Object>> report = new ArrayList<>();
        for (ClassificationReport.ClassMetrics c : test.report().perClass()) {
            report.add(List.of(c.fashionClass().displayName(), c.precision(), c.recall(), c.f1(), c.support()));
        }
        tables.put("classification_report.json", table(List.of("class", "precision", "recall", "f1", "support"), report));
        return tables;
    }

    private static String table(List<String> columns, List<List<Object>> data) {
        try {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("columns", columns);
            table.put("data", data);
            return JSON.writeValueAsString(table);
        } catch (Exception e) {
            throw new IllegalStateException("plain lists always serialise", e);
        }
    }
}
