package org.fmnist.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A gradient step an {@link Engine} takes for a network instead of DL4J's {@code fit}, with DL4J's
 * results up to float rounding: the same loss, update, weights, optimizer state and counters.
 */
public interface TrainingStep {

    /** Whether the step can take this batch as it is, and nothing outside it listens to DL4J's iterations. */
    boolean accepts(INDArray features, INDArray labels);

    /** One gradient step on the batch; returns its score as DL4J's does. */
    double fit(INDArray features, INDArray labels);
}
