package org.fmnist.core.eval;

import java.util.ArrayList;
import java.util.List;
import org.fmnist.core.data.FashionClass;

/**
 * Precision, recall, F1 and support per class, with macro and support-weighted averages, as
 * scikit-learn's {@code classification_report} prints them. A class never predicted has precision 0.
 */
public record ClassificationReport(List<ClassMetrics> perClass, Averages macro, Averages weighted, double accuracy,
                                   int support) {

    /** Scores of one class. */
    public record ClassMetrics(FashionClass fashionClass, double precision, double recall, double f1, int support) {}

    /** Averaged scores. */
    public record Averages(double precision, double recall, double f1) {}

    public static ClassificationReport of(ConfusionMatrix m) {
        List<ClassMetrics> perClass = new ArrayList<>();
        double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
        int total = m.total();
        for (FashionClass c : FashionClass.values()) {
            int label = c.label();
            int tp = m.count(label, label);
            int support = m.support(label);
            int predicted = m.predictedCount(label);
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassMetrics(c, precision, recall, f1, support));
            mp += precision / FashionClass.COUNT;
            mr += recall / FashionClass.COUNT;
            mf += f1 / FashionClass.COUNT;
            double weight = total == 0 ? 0 : (double) support / total;
            wp += precision * weight;
            wr += recall * weight;
            wf += f1 * weight;
        }
        double accuracy = total == 0 ? 0 : (double) m.correct() / total;
        return new ClassificationReport(List.copyOf(perClass), new Averages(mp, mr, mf), new Averages(wp, wr, wf),
                accuracy, total);
    }

    public ClassMetrics of(FashionClass c) {
        return perClass.get(c.label());
    }
}
