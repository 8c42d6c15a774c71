package org.fmnist.engine;

import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.Engine;
import org.fmnist.core.model.TrainingStep;

/**
 * fmnist's own paths. Training: a stack of dense layers steps without DL4J's per-layer overhead
 * ({@link DenseStackTraining}); a CNN steps as one chain of fused oneDNN primitives
 * ({@link FusedCnnTraining}); the two never accept the same network (a CNN has an input preprocessor,
 * a dense stack none). Inference: a CNN or dense stack with ReLU or no activations scores as one
 * oneDNN chain ({@link FusedInference}); a dense stack with other activations (tanh, sigmoid), which
 * the chain does not fuse, through one BLAS product a layer ({@link DenseStackInference}); a graph of
 * images such as a residual network as one oneDNN chain too ({@link FusedGraphInference}), and it
 * steps as one too ({@link FusedGraphTraining}).
 */
public final class FusedEngine implements Engine {

    @Override
    public Optional<TrainingStep> trainingStep(MultiLayerNetwork net) {
        return DenseStackTraining.of(net).<TrainingStep>map(step -> step).or(() -> FusedCnnTraining.of(net));
    }

    @Override
    public Optional<TrainingStep> trainingStep(ComputationGraph graph) {
        return FusedGraphTraining.of(graph).map(step -> step);
    }

    @Override
    public Optional<BatchInference> inference(MultiLayerNetwork net) {
        return FusedInference.of(net).or(() -> DenseStackInference.of(net));
    }

    @Override
    public Optional<BatchInference> inference(ComputationGraph graph) {
        return FusedGraphInference.of(graph);
    }
}
