package org.fmnist.engine;

/** Softmax on cross-entropy as DL4J's {@code LossMCXENT} computes it, for the own training steps. */
final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /**
     * Softmax of the logits {@code p} ({@code rows × classes}, row after row) in place, its gradient
     * {@code p - y} into {@code delta} (which may be {@code p} itself), and the mean cross-entropy
     * against the labels {@code y}, probabilities clipped to {@code [clipping, 1 - clipping]} as DL4J does.
     */
    static double lossAndGradient(float[] p, float[] y, float[] delta, int rows, int classes, double clipping) {
        double sum = 0;
        for (int row = 0; row < rows; row++) {
            int from = row * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, p[from + c]);
            }
            float total = 0;
            for (int c = 0; c < classes; c++) {
                p[from + c] = (float) Math.exp(p[from + c] - max);
                total += p[from + c];
            }
            for (int c = 0; c < classes; c++) {
                float probability = p[from + c] / total;
                float label = y[from + c];
                p[from + c] = probability;
                delta[from + c] = probability - label;
                double clipped = Math.min(Math.max(probability, clipping), 1 - clipping);
                sum += label == 0 ? 0 : label * Math.log(clipped);
            }
        }
        return -sum / rows;
    }
}
