package org.fmnist.engine;

import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.Engine;
import org.fmnist.core.model.TrainingStep;

/**
 * fmnist's own paths: a stack of dense layers trains and scores without DL4J's per-layer overhead
 * ({@link DenseStackTraining}, {@link DenseStackInference}); a CNN trains and scores as one chain of
 * fused oneDNN primitives ({@link FusedCnnTraining}, {@link FusedCnnInference}). The two never accept
 * the same network (a CNN has an input preprocessor, a dense stack none), so their order is no choice.
 */
public final class FusedEngine implements Engine {

    @Override
    public Optional<TrainingStep> trainingStep(MultiLayerNetwork net) {
        return DenseStackTraining.of(net).<TrainingStep>map(step -> step).or(() -> FusedCnnTraining.of(net));
    }

    @Override
    public Optional<BatchInference> inference(MultiLayerNetwork net) {
        return DenseStackInference.of(net).or(() -> FusedCnnInference.of(net));
    }
}
