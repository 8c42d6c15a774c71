package org.fmnist.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The NHWC twin's probabilities against the NCHW network's own {@code output()}. */
class NhwcTwinInferenceTest {

    /**
     * The shape of the project's CNNs, small: conv 6 → batch norm → relu → max-pool → conv 10 (relu,
     * dropout on its input) → average-pool → dense 24 → softmax, in NCHW as they train.
     */
    private static Network cnn(boolean oneDnn) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(11).updater(new Adam(1e-2)).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(10).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(24).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        net.init();
        Network network = Network.of(net);
        if (oneDnn) {
            OneDnnLayers.attach(network);
        }
        // Steps move the weights and the batch-norm statistics away from where they started.
        return TinyNetworks.stepped(network, 4, 32);
    }

    private static void assertSameAsTheNetwork(Network net, BatchInference inference, INDArray features) {
        int rows = (int) features.size(0);
        float[] scored = new float[rows * 10];
        inference.score(features, scored, 0);
        float[] own = net.output(features).reshape(scored.length).toFloatVector();
        for (int i = 0; i < scored.length; i++) {
            assertEquals(own[i], scored[i], 1e-5f, "probability " + i % 10 + " of row " + i / 10);
        }
    }

    @Test
    void theTwinScoresWhatTheNetworkDoesOnOneDnnAndOnDl4jsOwnPath() {
        for (boolean oneDnn : new boolean[] {true, false}) {
            Network net = cnn(oneDnn);
            try (BatchInference inference = net.inference()) {
                NhwcTwinInference twin = assertInstanceOf(NhwcTwinInference.class, inference);
                // The twin's convolutions run on the helper exactly where the network's do.
                if (oneDnn) {
                    assertNotNull(twin.layers()[0].getHelper(), "the twin's first convolution has the helper");
                    assertNotNull(twin.layers()[4].getHelper(), "and its second");
                } else {
                    assertNull(twin.layers()[0].getHelper(), "no helper where the network has none");
                }
                assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(200, 21));
                assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(7, 22)); // a last, smaller batch
            }
        }
    }

    @Test
    void aNetworkItDoesNotCoverScoresThroughDl4jsOutput() {
        MultiLayerNetwork globalPooled = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        globalPooled.init();
        try (BatchInference inference = Network.of(globalPooled).inference()) {
            assertInstanceOf(OutputInference.class, inference);
        }
    }
}
