package org.fmnist.core.eval;

/** Everything measured on one split after training. */
public record Evaluation(String split, double loss, double accuracy, ConfusionMatrix confusion,
                         ClassificationReport report, Predictions predictions) {

    public static Evaluation of(String split, Predictions predictions) {
        ConfusionMatrix confusion = ConfusionMatrix.of(predictions.labels(), predictions.predicted());
        return new Evaluation(split, predictions.loss(), predictions.accuracy(), confusion,
                ClassificationReport.of(confusion), predictions);
    }
}
