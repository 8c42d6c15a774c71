package org.fmnist.captioning;

import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;

/**
 * What a caption is about: one image (784 values in [0, 1]) and the model's probability for each class.
 */
public record Prediction(float[] image, float[] probabilities) {

    public Prediction {
        if (image.length != IdxFile.PIXELS || probabilities.length != FashionClass.COUNT) {
            throw new IllegalArgumentException("a prediction needs 784 pixels and 10 probabilities");
        }
    }

    public FashionClass predicted() {
        return FashionClass.ofLabel(rank(0));
    }

    public FashionClass runnerUp() {
        return FashionClass.ofLabel(rank(1));
    }

    public float confidence() {
        return probabilities[rank(0)];
    }

    public float runnerUpProbability() {
        return probabilities[rank(1)];
    }

    /** Label of the class at {@code place} (0: most probable). */
    private int rank(int place) {
        int best = -1;
        int second = -1;
        for (int c = 0; c < probabilities.length; c++) {
            if (best < 0 || probabilities[c] > probabilities[best]) {
                second = best;
                best = c;
            } else if (second < 0 || probabilities[c] > probabilities[second]) {
                second = c;
            }
        }
        return place == 0 ? best : second;
    }
}
