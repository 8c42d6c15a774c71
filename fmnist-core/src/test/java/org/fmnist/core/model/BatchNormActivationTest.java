package org.fmnist.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Why {@link Network#layersIgnoringTheirActivation()} exists, and that it finds what it should. */
class BatchNormActivationTest {

    /** Batch norm given ReLU, batch norm given nothing, batch norm given identity, then ReLU as its own layer. */
    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new BatchNormalization.Builder().name("relu-given").activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().name("none-given").build())
                .layer(new BatchNormalization.Builder().name("identity-given").activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 2)).build());
        net.init();
        return net;
    }

    /**
     * Pins the DL4J behaviour the check guards against. If this fails after a DL4J upgrade, batch
     * norm applies its activation again, and the check (and the ActivationLayers in the models) can go.
     */
    @Test
    void dl4jBatchNormPassesNegativeValuesThroughDespiteRelu() {
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 2, 4, 4);
        List<INDArray> activations = network().feedForward(x, true);
        assertTrue(activations.get(1).minNumber().doubleValue() < -0.5, "a batch norm given ReLU still outputs negatives");
        assertEquals(0.0, activations.get(4).minNumber().doubleValue(), "an ActivationLayer applies ReLU");
    }

    @Test
    void findsOnlyTheBatchNormGivenAnActivation() {
        assertEquals(List.of("relu-given"), Network.of(network()).layersIgnoringTheirActivation());
    }
}
