package org.fmnist.core.eval;

import java.util.List;
import org.fmnist.core.data.FashionClass;

/**
 * A model's outputs over a split.
 *
 * @param probabilities softmax outputs, ten per image, image after image
 * @param predicted the most probable class of each image
 * @param labels the true class of each image
 */
public record Predictions(float[] probabilities, int[] predicted, int[] labels) {

    /**
     * The mean of several sets of outputs over the same images (test-time views, ensemble members):
     * the averaged softmax, and its most probable class.
     *
     * @throws IllegalArgumentException when the sets are not over the same images with the same labels
     */
    public static Predictions mean(List<Predictions> sets) {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("nothing to average");
        }
        int[] labels = sets.get(0).labels();
        float[] sum = new float[sets.get(0).probabilities().length];
        for (Predictions p : sets) {
            if (!java.util.Arrays.equals(p.labels(), labels)) {
                throw new IllegalArgumentException("predictions over different images cannot be averaged");
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += p.probabilities()[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= sets.size();
        }
        return of(sum, labels);
    }

    /** Predictions from softmax outputs: each image's class is its most probable one. */
    public static Predictions of(float[] probabilities, int[] labels) {
        int[] predicted = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < FashionClass.COUNT; c++) {
                if (probabilities[i * FashionClass.COUNT + c] > probabilities[i * FashionClass.COUNT + best]) {
                    best = c;
                }
            }
            predicted[i] = best;
        }
        return new Predictions(probabilities, predicted, labels);
    }

    public int size() {
        return labels.length;
    }

    /** Probability the model gives image {@code i} for class {@code label}. */
    public float probability(int i, int label) {
        return probabilities[i * FashionClass.COUNT + label];
    }

    /** Mean cross-entropy of the true labels, as training minimises it. */
    public double loss() {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            sum -= Math.log(Math.max(probability(i, labels[i]), 1e-7f));
        }
        return labels.length == 0 ? 0 : sum / labels.length;
    }

    public double accuracy() {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return labels.length == 0 ? 0 : (double) correct / labels.length;
    }
}
