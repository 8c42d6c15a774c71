package org.fmnist.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class DenseStackInferenceTest {

    /**
     * What {@code inference} writes for {@code features} is what DL4J's output() gives, up to float
     * rounding (another summation order in the matrix products), and picks the same class for each row.
     */
    private static void assertSameAsDl4j(Network net, BatchInference inference, INDArray features) {
        float[] scored = new float[(int) features.size(0) * 10];
        inference.score(features, scored, 0);
        float[] dl4j = net.output(features).reshape(scored.length).toFloatVector();
        assertArrayEquals(dl4j, scored, 1e-6f, "DL4J's probabilities, up to rounding");
        for (int row = 0; row < scored.length / 10; row++) {
            assertEquals(argmax(dl4j, row), argmax(scored, row), "the class picked for row " + row);
        }
    }

    private static int argmax(float[] probabilities, int row) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
            if (probabilities[row * 10 + c] > probabilities[row * 10 + best]) {
                best = c;
            }
        }
        return best;
    }

    @Test
    void aStackOfDenseLayersScoresDl4jsValuesAcrossBatchSizes() {
        MultiLayerNetwork deeper = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nOut(48).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new DenseLayer.Builder().nOut(20).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        deeper.init();
        Network[] trained = {TinyNetworks.stepped(TinyNetworks.layered(3, new Adam(1e-2)), 5, 64),
            TinyNetworks.stepped(Network.of(deeper), 5, 64)};
        for (Network net : trained) {
            try (BatchInference inference = net.inference()) {
                assertInstanceOf(DenseStackInference.class, inference);
                assertSameAsDl4j(net, inference, TinyNetworks.randomPixels(1000, 11));
                assertSameAsDl4j(net, inference, TinyNetworks.randomPixels(1000, 12));
                assertSameAsDl4j(net, inference, TinyNetworks.randomPixels(37, 13)); // a last, smaller batch
            }
        }
    }

    @Test
    void writesAtTheOffsetAndLeavesTheRestAlone() {
        Network net = TinyNetworks.stepped(TinyNetworks.layered(3, new Adam(1e-2)), 5, 64);
        INDArray features = TinyNetworks.randomPixels(4, 21);
        float[] into = new float[70];
        java.util.Arrays.fill(into, -1f);
        try (BatchInference inference = net.inference()) {
            inference.score(features, into, 20);
        }
        float[] expected = new float[70];
        java.util.Arrays.fill(expected, -1f);
        System.arraycopy(net.output(features).reshape(40).toFloatVector(), 0, expected, 20, 40);
        assertArrayEquals(expected, into, 1e-6f);
    }

    @Test
    void anyOtherNetworkRunsThroughDl4jsOutput() {
        MultiLayerNetwork normed = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        normed.init();
        MultiLayerNetwork noBias = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new DenseLayer.Builder().nOut(16).hasBias(false).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        noBias.init();
        for (Network net : new Network[] {Network.of(normed), Network.of(noBias), TinyNetworks.residualGraph(3, new Adam(1e-2))}) {
            try (BatchInference inference = net.inference()) {
                assertInstanceOf(OutputInference.class, inference);
                assertSameAsDl4j(net, inference, TinyNetworks.randomPixels(50, 31));
            }
        }
    }
}
