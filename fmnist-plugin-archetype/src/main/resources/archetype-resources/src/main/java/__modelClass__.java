package ${package};

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
 * model.type ${model}: Dense(hidden, relu) with dropout, then Dense(10, softmax). A starting point:
 * change create() to the network you want, and Parameters to its keys.
 */
public final class ${modelClass} implements ModelFactory<${modelClass}.Parameters> {

    /**
     * The keys a spec may give beside model.type. A component bnDecay is written bn_decay in a spec.
     * A key the spec leaves out arrives as null: fill in its default here, then state each key's range
     * with ParameterChecks, which reports every broken rule at once, in words, with where the value came from.
     */
    public record Parameters(
            @JsonPropertyDescription("Units in the hidden layer.")
            Integer hidden,
            @JsonPropertyDescription("Chance to drop each hidden unit's output while training (0: no dropout).")
            Double dropout) {
        public Parameters {
            hidden = hidden == null ? 128 : hidden;
            dropout = dropout == null ? 0.2 : dropout;
            ParameterChecks.of()
                    .require(hidden >= 1, "hidden", hidden, "must be at least 1")
                    .require(dropout >= 0 && dropout < 1, "dropout", dropout, "must be from 0 to below 1 (a chance to drop)")
                    .done();
        }
    }

    @Override
    public String description() {
        return "Dense(hidden, relu) -> dropout -> Dense(10, softmax)";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        // The context carries the spec's seed and optimizer: using them is what makes seed,
        // training.optimizer and training.learning_rate apply to this model.
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(FashionClass.COUNT).activation(Activation.SOFTMAX);
        if (p.dropout() > 0) {
            // DL4J's dropOut takes the chance to KEEP a unit, and applies it to the layer's input.
            output.dropOut(1 - p.dropout());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(context.seed())
                .updater(context.updater())
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder().nOut(p.hidden()).activation(Activation.RELU).build())
                .layer(output.build())
                .setInputType(InputType.feedForward(IdxFile.PIXELS))
                .build());
        net.init();
        return Network.of(net);
    }

    /** Native threads to train with when the spec says training.threads: 0; small dense layers run best on one. */
    @Override
    public int preferredThreads() {
        return 1;
    }

    /**
     * A dense model this small frees its native buffers in time without JavaCPP's memory guard, which
     * would cost it about a fifth of each epoch. Convolutional models should keep the default (true).
     */
    @Override
    public boolean needsNativeMemoryGuard() {
        return false;
    }
}
