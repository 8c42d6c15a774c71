package org.fmnist.core.train;

/**
 * What one epoch measured.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean loss of the epoch's gradient steps (as Keras reports it)
 * @param trainAccuracy accuracy on a fixed sample of training images, measured after the epoch
 * @param evalSplit the split evaluated after the epoch: "validation", or "test" when the spec holds out none
 * @param evalLoss cross-entropy on {@code evalSplit}
 * @param evalAccuracy accuracy on {@code evalSplit}
 * @param seconds wall time of the epoch's training steps, without the evaluations
 * @param samplesPerSecond training images per second during those steps
 * @param learningRate the learning rate the epoch trained with
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, String evalSplit, double evalLoss,
                           double evalAccuracy, double seconds, double samplesPerSecond, double learningRate) {}
