package org.fmnist.core.eval;

import org.fmnist.core.data.FashionClass;

/**
 * A model's outputs over a split.
 *
 * @param probabilities softmax outputs, ten per image, image after image
 * @param predicted the most probable class of each image
 * @param labels the true class of each image
 */
public record Predictions(float[] probabilities, int[] predicted, int[] labels) {

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
