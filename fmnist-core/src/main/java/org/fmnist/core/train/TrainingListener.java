package org.fmnist.core.train;

/** Watches training. Every method has a no-op default, so a listener implements only what it needs. */
public interface TrainingListener {

    /** Before the first epoch. */
    default void onTrainingStart(TrainingPlan plan) {}

    /** After each gradient step; {@code batch} is 1-based. */
    default void onBatchEnd(int epoch, int batch, int batches, double loss) {}

    /** After each epoch, once its evaluations are done. */
    default void onEpochEnd(EpochMetrics metrics) {}
}
