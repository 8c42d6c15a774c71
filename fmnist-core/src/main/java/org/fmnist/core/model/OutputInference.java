package org.fmnist.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Inference through the network's own {@link Network#output}: any network DL4J can run, where no {@link Engine} has a faster path. */
public record OutputInference(Network net) implements BatchInference {

    @Override
    public void score(INDArray features, float[] into, int offset) {
        try (INDArray output = net.output(features)) {
            BatchInference.copyRows(output, into, offset);
        }
    }

    @Override
    public void close() {
        // Nothing is held between batches.
    }
}
