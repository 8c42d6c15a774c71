package org.fmnist.runner.folder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fmnist.captioning.CaptionConsistency;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.eval.ClassificationReport;
import org.fmnist.core.eval.ConfusionMatrix;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.train.EpochMetrics;

/** The text forms of a run's results: metrics JSON, the classification report and the confusion matrix CSV. */
public final class RunReport {
    private RunReport() {}

    /** Everything {@code metrics.json} holds. */
    static Map<String, Object> metrics(String runName, String modelType, long parameters, List<EpochMetrics> history,
                                       Integer bestEpoch, Evaluation test, Map<String, CaptionConsistency.Result> captioning,
                                       double trainSeconds, double wallSeconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", runName);
        m.put("model", modelType);
        m.put("parameters", parameters);
        m.put("epochs", history);
        if (bestEpoch != null) {
            // With a validation split the model kept is this epoch's, not the last one's.
            m.put("best_epoch", bestEpoch);
        }
        m.put("test", test(test));
        if (!captioning.isEmpty()) {
            m.put("captioning", captioning);
        }
        m.put("train_seconds", trainSeconds);
        m.put("wall_seconds", wallSeconds);
        return m;
    }

    /** The {@code test} section of {@code metrics.json}: loss, accuracy, averages, each class, the worst confusions. */
    public static Map<String, Object> test(Evaluation test) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("images", test.report().support());
        t.put("loss", test.loss());
        t.put("accuracy", test.accuracy());
        t.put("macro", test.report().macro());
        t.put("weighted", test.report().weighted());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (ClassificationReport.ClassMetrics c : test.report().perClass()) {
            perClass.put(c.fashionClass().key(), scores(c.precision(), c.recall(), c.f1(), c.support()));
        }
        t.put("per_class", perClass);
        t.put("most_confused", test.confusion().mostConfused(5).stream().map(p -> {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("true", p.actual().displayName());
            pair.put("predicted", p.predicted().displayName());
            pair.put("count", p.count());
            return pair;
        }).toList());
        return t;
    }

    /** The classification report as JSON-ready data. */
    static Map<String, Object> report(ClassificationReport r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ClassificationReport.ClassMetrics c : r.perClass()) {
            out.put(c.fashionClass().displayName(), scores(c.precision(), c.recall(), c.f1(), c.support()));
        }
        out.put("accuracy", r.accuracy());
        out.put("macro avg", scores(r.macro().precision(), r.macro().recall(), r.macro().f1(), r.support()));
        out.put("weighted avg", scores(r.weighted().precision(), r.weighted().recall(), r.weighted().f1(), r.support()));
        return out;
    }

    /** One row of scores, its keys in a fixed order (unlike {@code Map.of}'s) so that reruns write identical files. */
    private static Map<String, Object> scores(double precision, double recall, double f1, long support) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("precision", precision);
        row.put("recall", recall);
        row.put("f1", f1);
        row.put("support", support);
        return row;
    }

    /**
     * Which images a run used: how many it trained on (of how many data.train_limit allowed), how many
     * it held out for validation, how many test images it was scored on.
     */
    public static String dataUsed(ExperimentSpec spec, int trained, int heldOut, int tested) {
        StringBuilder s = new StringBuilder("Data: trained on ");
        int trainLimit = spec.data().trainLimit();
        s.append(String.format(Locale.ROOT, "%,d training images", trained));
        if (heldOut > 0) {
            s.append(String.format(Locale.ROOT, ", %,d more held out for validation (training.validation_split %s)", heldOut,
                    spec.training().validationSplit()));
        }
        if (trainLimit > 0) {
            s.append(String.format(Locale.ROOT, ", of the first %,d (data.train_limit)", trainLimit));
        }
        s.append(String.format(Locale.ROOT, "; tested on %,d test images", tested));
        if (spec.data().testLimit() > 0) {
            s.append(" (data.test_limit)");
        }
        return s.append('.').toString();
    }

    /** @param dataUsed a sentence saying which images the run trained, validated and tested on ({@link #dataUsed}) */
    static String markdown(String runName, Evaluation test, String dataUsed) {
        ClassificationReport r = test.report();
        StringBuilder md = new StringBuilder();
        md.append("# Classification report: ").append(runName).append("\n\n");
        md.append(String.format(Locale.ROOT, "Test accuracy **%.4f**, loss %.4f, on %,d test images.%n%n",
                test.accuracy(), test.loss(), r.support()));
        md.append(dataUsed).append("\n\n");
        md.append("| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n");
        for (ClassificationReport.ClassMetrics c : r.perClass()) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d |%n", c.fashionClass().displayName(),
                    c.precision(), c.recall(), c.f1(), c.support()));
        }
        md.append(String.format(Locale.ROOT, "| **macro avg** | %.4f | %.4f | %.4f | %d |%n", r.macro().precision(),
                r.macro().recall(), r.macro().f1(), r.support()));
        md.append(String.format(Locale.ROOT, "| **weighted avg** | %.4f | %.4f | %.4f | %d |%n%n",
                r.weighted().precision(), r.weighted().recall(), r.weighted().f1(), r.support()));
        md.append("## Most confused (true → predicted)\n\n");
        for (ConfusionMatrix.ConfusedPair p : test.confusion().mostConfused(5)) {
            md.append(String.format(Locale.ROOT, "- %s → %s: %d%n", p.actual().displayName(), p.predicted().displayName(),
                    p.count()));
        }
        return md.toString();
    }

    /** Rows are true classes, columns predicted classes, headed by class names. */
    static String confusionCsv(ConfusionMatrix m) {
        StringBuilder csv = new StringBuilder("true\\predicted");
        for (FashionClass c : FashionClass.values()) {
            csv.append(',').append(c.displayName());
        }
        csv.append('\n');
        int[][] counts = m.counts();
        for (FashionClass c : FashionClass.values()) {
            csv.append(c.displayName());
            for (int count : counts[c.label()]) {
                csv.append(',').append(count);
            }
            csv.append('\n');
        }
        return csv.toString();
    }
}
