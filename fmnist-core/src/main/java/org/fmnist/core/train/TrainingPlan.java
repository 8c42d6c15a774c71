package org.fmnist.core.train;

/** The shape of a training run, announced to listeners before it starts. */
public record TrainingPlan(int epochs, int batchesPerEpoch, int trainImages, String evalSplit, int evalImages) {}
