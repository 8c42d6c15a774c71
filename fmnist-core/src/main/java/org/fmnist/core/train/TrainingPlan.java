package org.fmnist.core.train;

/**
 * The shape of a training run, announced to listeners before it starts.
 *
 * @param epochsDone epochs already trained before this start: 0, or more when a run is resumed
 */
public record TrainingPlan(int epochs, int batchesPerEpoch, int trainImages, String evalSplit, int evalImages,
                           int epochsDone) {}
