package org.fmnist.core.train;

import org.fmnist.core.model.Network;

/** Watches training. Every method has a no-op default, so a listener implements only what it needs. */
public interface TrainingListener {

    /** Before the first epoch. */
    default void onTrainingStart(TrainingPlan plan) {}

    /** After each gradient step; {@code batch} is 1-based. */
    default void onBatchEnd(int epoch, int batch, int batches, double loss) {}

    /**
     * After each epoch's evaluations, before {@link #onEpochEnd}: the moment to save the network and
     * {@code state}. Listeners that report the epoch come after, so a crash in between loses no
     * epoch that was reported.
     */
    default void onEpochState(Network net, TrainingState state) {}

    /** After each epoch, once its evaluations are done. */
    default void onEpochEnd(EpochMetrics metrics) {}
}
