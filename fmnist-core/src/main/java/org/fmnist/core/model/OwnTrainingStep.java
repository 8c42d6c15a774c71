package org.fmnist.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A gradient step a kind of multi-layer network takes instead of DL4J's {@code fit}, with DL4J's
 * results up to float rounding: the gradient goes into the network's gradient view, and the network's
 * own updater turns it into the update ({@link DenseStackTraining}, {@link FusedCnnTraining}).
 */
interface OwnTrainingStep {

    /** Whether the step can take this batch as it is, and nothing outside it listens to DL4J's iterations. */
    boolean accepts(INDArray features, INDArray labels);

    /** One gradient step on the batch; returns its score as DL4J's does. */
    double fit(INDArray features, INDArray labels);
}
