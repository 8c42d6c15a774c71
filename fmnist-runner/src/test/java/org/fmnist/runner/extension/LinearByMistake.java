package org.fmnist.runner.extension;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.models.DenseModel;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A plugin author's easy mistake: ReLU given to a batch norm, which DL4J ignores. */
public final class LinearByMistake implements ModelFactory<DenseModel.Parameters> {
    @Override
    public String description() {
        return "dense -> batch norm (with a ReLU DL4J ignores) -> softmax";
    }

    @Override
    public Class<DenseModel.Parameters> parametersType() {
        return DenseModel.Parameters.class;
    }

    @Override
    public Network create(DenseModel.Parameters p, ModelContext context) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(context.seed()).updater(context.updater()).list()
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("hidden-norm").activation(Activation.RELU).build())
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
