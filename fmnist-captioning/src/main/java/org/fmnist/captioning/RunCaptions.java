package org.fmnist.captioning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.train.Trainer;

/** Captions a seeded sample of test predictions with each configured generator, and measures them. */
public final class RunCaptions {
    /** One captioned test image. */
    public record Row(int index, FashionClass actual, FashionClass predicted, float confidence, String generator, String caption) {}

    /** All captions written, and each generator's consistency. */
    public record Outcome(List<Row> rows, Map<String, CaptionConsistency.Result> consistency) {}

    private RunCaptions() {}

    public static Prediction prediction(Split test, Predictions p, int i) {
        float[] probabilities = new float[FashionClass.COUNT];
        for (int c = 0; c < probabilities.length; c++) {
            probabilities[c] = p.probability(i, c);
        }
        return new Prediction(test.image(i), probabilities);
    }

    public static Outcome caption(Map<String, CaptionGenerator> generators, CaptionConsistency consistency, Split test,
                           Predictions p, int samples, long seed) {
        int[] order = Trainer.permutation(test.size(), new Random(seed ^ 0xCAB710L));
        int n = Math.min(samples, test.size());
        List<Row> rows = new ArrayList<>();
        Map<String, CaptionConsistency.Result> results = new LinkedHashMap<>();
        for (Map.Entry<String, CaptionGenerator> g : generators.entrySet()) {
            List<String> captions = new ArrayList<>();
            List<FashionClass> predicted = new ArrayList<>();
            List<FashionClass> actual = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int i = order[k];
                Prediction prediction = prediction(test, p, i);
                String caption = g.getValue().caption(prediction);
                captions.add(caption);
                predicted.add(prediction.predicted());
                actual.add(FashionClass.ofLabel(p.labels()[i]));
                rows.add(new Row(i, FashionClass.ofLabel(p.labels()[i]), prediction.predicted(), prediction.confidence(),
                        g.getKey(), caption));
            }
            results.put(g.getKey(), consistency.measure(captions, predicted, actual));
        }
        return new Outcome(rows, results);
    }

    public static String csv(List<Row> rows) {
        StringBuilder csv = new StringBuilder("test_index,true,predicted,confidence,generator,caption\n");
        for (Row r : rows) {
            csv.append(r.index()).append(',').append(r.actual().displayName()).append(',').append(r.predicted().displayName())
                    .append(',').append(String.format(java.util.Locale.ROOT, "%.4f", r.confidence())).append(',')
                    .append(r.generator()).append(",\"").append(r.caption().replace("\"", "\"\"")).append("\"\n");
        }
        return csv.toString();
    }

    /** {@code caption_<generator>_agreement_predicted}, {@code ..._agreement_true}, {@code ..._diversity}. */
    public static Map<String, Double> metrics(Map<String, CaptionConsistency.Result> consistency) {
        Map<String, Double> m = new LinkedHashMap<>();
        consistency.forEach((name, r) -> {
            m.put("caption_" + name + "_agreement_predicted", r.agreementWithPredicted());
            m.put("caption_" + name + "_agreement_true", r.agreementWithTrue());
            m.put("caption_" + name + "_diversity", r.diversity());
        });
        return m;
    }
}
