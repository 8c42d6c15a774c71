package org.fmnist.core.model;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The {@link Engine}s on the classpath, asked in the order they are found. Loaded once, through this
 * class's own class loader: engines ship with the runner, not in plugin jars loaded later, and a
 * network must take the same path whichever thread first builds one.
 */
public final class Engines {
    private static final List<Engine> INSTALLED = ServiceLoader.load(Engine.class, Engine.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get).toList();

    private Engines() {}

    /** The first installed engine's step for {@code net}; empty where none has one (DL4J's own {@code fit}). */
    public static Optional<TrainingStep> trainingStep(MultiLayerNetwork net) {
        return INSTALLED.stream().map(e -> e.trainingStep(net)).flatMap(Optional::stream).findFirst();
    }

    /** The first installed engine's step for {@code graph}; empty where none has one (DL4J's own {@code fit}). */
    public static Optional<TrainingStep> trainingStep(ComputationGraph graph) {
        return INSTALLED.stream().map(e -> e.trainingStep(graph)).flatMap(Optional::stream).findFirst();
    }

    /** The first installed engine's inference path for {@code net}; empty where none has one (DL4J's {@code output}). */
    public static Optional<BatchInference> inference(MultiLayerNetwork net) {
        return INSTALLED.stream().map(e -> e.inference(net)).flatMap(Optional::stream).findFirst();
    }

    /** The first installed engine's inference path for {@code graph}; empty where none has one (DL4J's {@code output}). */
    public static Optional<BatchInference> inference(ComputationGraph graph) {
        return INSTALLED.stream().map(e -> e.inference(graph)).flatMap(Optional::stream).findFirst();
    }
}
