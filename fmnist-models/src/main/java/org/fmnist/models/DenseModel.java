package org.fmnist.models;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.ParameterChecks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The reference baseline of the original Keras notebook: Flatten → Dense(32, relu) →
 * Dense(10, softmax), 25,450 parameters, Glorot-uniform weights and zero biases as Keras initialises
 * them, trained on cross-entropy.
 */
public final class DenseModel implements ModelFactory<DenseModel.Parameters> {

    /** The keys a spec may give beside {@code model.type: dense}. */
    public record Parameters(
            @JsonPropertyDescription("Units in the hidden layer (the reference has 32).")
            Integer hidden,
            @JsonPropertyDescription("Activation of the hidden layer (the reference uses relu).")
            Activation activation) {
        public Parameters {
            hidden = hidden == null ? 32 : hidden;
            activation = activation == null ? Activation.RELU : activation;
            ParameterChecks.of().require(hidden >= 1, "hidden", hidden, "must be at least 1").done();
        }
    }

    @Override
    public String description() {
        return "Flatten -> Dense(hidden, relu) -> Dense(10, softmax); the reference Keras baseline";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(context.seed())
                .updater(context.updater())
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .biasInit(0)
                .list()
                .layer(new DenseLayer.Builder().nOut(p.hidden()).activation(p.activation()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(FashionClass.COUNT).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(IdxFile.PIXELS))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return Network.of(net);
    }

    /** Per-step overhead dominates a model this small; a second thread only adds contention. */
    @Override
    public int preferredThreads() {
        return 1;
    }

    /**
     * Measured on the full data (results/speed/benchmarks.md): without the guard, a whole run peaks at
     * 0.86 GB resident after 10 epochs and 0.88 GB after 40, and an epoch takes 1.63 s instead of 2.00 s.
     */
    @Override
    public boolean needsNativeMemoryGuard() {
        return false;
    }
}
