package org.fmnist.core.model;

import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Faster paths than DL4J's own for some networks: a training step, an inference path. Engines are
 * found through {@link java.util.ServiceLoader} (a {@code META-INF/services/org.fmnist.core.model.Engine}
 * file in their jar), as DJL finds its engines; a network asks each in turn and takes DL4J's own path
 * where none applies. fmnist-engine is the one the runner ships.
 */
public interface Engine {

    /**
     * A step for {@code net}, or empty where this engine has none for it. Asked once per network, before
     * its first step, with the network's gradient view made; a step may write into it.
     */
    Optional<TrainingStep> trainingStep(MultiLayerNetwork net);

    /**
     * A step for {@code graph}, or empty where this engine has none for it (the default). Asked as
     * {@link #trainingStep(MultiLayerNetwork)} is.
     */
    default Optional<TrainingStep> trainingStep(ComputationGraph graph) {
        return Optional.empty();
    }

    /** An inference path for {@code net} as it is now, or empty where this engine has none for it. */
    Optional<BatchInference> inference(MultiLayerNetwork net);

    /** An inference path for {@code graph} as it is now, or empty where this engine has none for it (the default). */
    default Optional<BatchInference> inference(ComputationGraph graph) {
        return Optional.empty();
    }
}
