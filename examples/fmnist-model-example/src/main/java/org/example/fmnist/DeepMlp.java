package org.example.fmnist;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
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
 * A multi-layer perceptron: Flatten → {@code layers} × (Dense(hidden, relu) → dropout) →
 * Dense(10, softmax). With the defaults, two hidden layers of 128 units and dropout 0.2, it has
 * 118,282 parameters. Where the shipped {@code dense} model is one narrow hidden layer, this one is
 * deeper and wider, with dropout against overfitting the training images.
 */
public final class DeepMlp implements ModelFactory<DeepMlp.Parameters> {

    /**
     * The keys a spec may give beside {@code model.type: deep-mlp}. A key the spec leaves out arrives
     * as null, and the constructor fills in its default; the runner saves the resolved values in the
     * run's {@code spec.yaml}, and {@code ./runner models} shows each description.
     */
    public record Parameters(
            @JsonPropertyDescription("Units in each hidden layer.")
            Integer hidden,
            @JsonPropertyDescription("Hidden layers, each Dense(hidden, relu) followed by dropout.")
            Integer layers,
            @JsonPropertyDescription("Chance to drop each hidden unit's output while training (0: no dropout).")
            Double dropout) {
        public Parameters {
            hidden = hidden == null ? 128 : hidden;
            layers = layers == null ? 2 : layers;
            dropout = dropout == null ? 0.2 : dropout;
            ParameterChecks.of()
                    .require(hidden >= 1, "hidden", hidden, "must be at least 1")
                    .require(layers >= 1, "layers", layers, "must be at least 1")
                    .require(dropout >= 0 && dropout < 1, "dropout", dropout, "must be from 0 to below 1 (a chance to drop)")
                    .done();
        }
    }

    @Override
    public String description() {
        return "Flatten -> layers x (Dense(hidden, relu) -> dropout) -> Dense(10, softmax); 118,282 parameters by default";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        // The context carries the spec's seed and optimizer; using them is what makes seed,
        // training.optimizer and training.learning_rate apply to this model.
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(context.seed())
                .updater(context.updater())
                .weightInit(WeightInit.RELU)
                .list();
        for (int i = 0; i < p.layers(); i++) {
            DenseLayer.Builder dense = new DenseLayer.Builder().nOut(p.hidden()).activation(Activation.RELU);
            // DL4J applies a layer's dropout to that layer's input, so the dropout after hidden layer
            // i is set on layer i + 1. The pixels themselves are not dropped.
            list.layer(i == 0 ? dense.build() : withDropout(dense, p.dropout()).build());
        }
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(FashionClass.COUNT).activation(Activation.SOFTMAX);
        list.layer(withDropout(output, p.dropout()).build());

        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.feedForward(IdxFile.PIXELS)).build());
        net.init();
        return Network.of(net);
    }

    /**
     * DL4J's {@code dropOut(p)} takes the probability to KEEP a unit, the opposite of the
     * {@code dropout} key (the probability to drop, as in Keras and PyTorch); hence {@code 1 - rate}.
     */
    private static <B extends Layer.Builder<B>> B withDropout(B layer, double rate) {
        return rate > 0 ? layer.dropOut(1 - rate) : layer;
    }

    /**
     * Native threads to train with when the spec says {@code training.threads: 0}. Layers this small
     * are dominated by per-step overhead, where the shipped dense model measured fastest on one
     * thread (results/speed/benchmarks.md); this model was not measured separately.
     */
    @Override
    public int preferredThreads() {
        return 1;
    }
}
