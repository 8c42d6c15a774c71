package org.fmnist.runner.extension;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.ParameterChecks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A model a newcomer adds, as docs/extending.md describes: softmax regression, 7,850 parameters. */
public final class SoftmaxRegression implements ModelFactory<SoftmaxRegression.Parameters> {

    public record Parameters(
            @JsonPropertyDescription("L2 penalty on the weights.")
            Double l2) {
        public Parameters {
            l2 = l2 == null ? 0.0 : l2;
            ParameterChecks.of().require(l2 >= 0, "l2", l2, "must be at least 0").done();
        }
    }

    @Override
    public String description() {
        return "Flatten -> Dense(10, softmax)";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(context.seed()).updater(context.updater()).l2(p.l2()).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(FashionClass.COUNT).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(IdxFile.PIXELS)).build());
        net.init();
        return Network.of(net);
    }

    @Override
    public int preferredThreads() {
        return 1;
    }
}
