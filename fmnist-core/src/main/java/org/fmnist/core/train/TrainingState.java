package org.fmnist.core.train;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where training stands after a whole number of epochs. With the network's own weights and optimizer
 * state, it is all {@link Trainer#fit} needs to go on exactly as if it had never stopped: each
 * epoch's image order, augmentation and dropout draw from seeds fixed by the epoch number alone.
 *
 * @param history the metrics of every epoch trained so far, epoch 1 first
 * @param bestParams the weights of the epoch with the lowest validation loss; null without validation
 * @param bestLoss that lowest validation loss ({@link Double#MAX_VALUE} before any)
 * @param sinceBest epochs trained since that one, for early stopping
 */
public record TrainingState(List<EpochMetrics> history, INDArray bestParams, double bestLoss, int sinceBest) {

    public TrainingState {
        history = List.copyOf(history);
    }

    /** Before the first epoch. */
    public static TrainingState initial() {
        return new TrainingState(List.of(), null, Double.MAX_VALUE, 0);
    }

    public int epochsDone() {
        return history.size();
    }
}
