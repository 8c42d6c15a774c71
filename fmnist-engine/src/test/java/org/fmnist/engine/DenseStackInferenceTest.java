package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.core.model.OutputInference;
import org.fmnist.core.model.TinyNetworks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

@Tag("twin")
class DenseStackInferenceTest {

    /**
     * What {@code inference} writes for {@code features} is what DL4J's output() gives, up to float
     * rounding (another summation order in the matrix products, {@link NetworkRounding}), and picks the
     * same class for each row whose two likeliest classes rounding cannot swap.
     */
    private static void assertSameAsDl4j(Network net, BatchInference inference, INDArray features) {
        int rows = (int) features.size(0);
        float[] scored = new float[rows * 10];
        inference.score(features, scored, 0);
        INDArray dl4j = net.output(features);
        double[] bound = NetworkRounding.outputBound(net.model(), features).mul(2).reshape(-1).toDoubleVector();
        FloatRounding.assertWithin(dl4j, Nd4j.createFromArray(scored).reshape(rows, 10), Nd4j.createFromArray(bound),
                "DL4J's probabilities");
        float[] expected = dl4j.reshape(scored.length).toFloatVector();
        int decided = 0;
        for (int row = 0; row < rows; row++) {
            int best = argmax(expected, row, -1);
            int second = argmax(expected, row, best);
            if (expected[row * 10 + best] - expected[row * 10 + second] > bound[row * 10 + best] + bound[row * 10 + second]) {
                assertEquals(best, argmax(scored, row, -1), "the class picked for row " + row);
                decided++;
            }
        }
        assertTrue(decided > rows / 2, "most rows' classes are clear of rounding: " + decided + " of " + rows);
    }

    /** The likeliest class of {@code row} other than {@code except}. */
    private static int argmax(float[] probabilities, int row, int except) {
        int best = except == 0 ? 1 : 0;
        for (int c = 0; c < 10; c++) {
            if (c != except && probabilities[row * 10 + c] > probabilities[row * 10 + best]) {
                best = c;
            }
        }
        return best;
    }

    /** A dense stack with activations the fused chain does not fuse: tanh, sigmoid. */
    private static Network squashing(int hidden) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nOut(hidden).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new DenseLayer.Builder().nOut(20).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return TinyNetworks.stepped(Network.of(net), 5, 64);
    }

    @Test
    void aStackOfDenseLayersScoresDl4jsValuesAcrossBatchSizes() {
        for (Network net : new Network[] {squashing(48), squashing(16)}) {
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
        Network net = squashing(16);
        INDArray features = TinyNetworks.randomPixels(4, 21);
        float[] into = new float[70];
        java.util.Arrays.fill(into, -1f);
        try (BatchInference inference = net.inference()) {
            assertInstanceOf(DenseStackInference.class, inference);
            inference.score(features, into, 20);
        }
        for (int i = 0; i < 70; i++) {
            if (i < 20 || i >= 60) {
                assertEquals(-1f, into[i], "left alone: " + i);
            }
        }
        FloatRounding.assertWithin(net.output(features).reshape(40), Nd4j.createFromArray(java.util.Arrays.copyOfRange(into, 20, 60)),
                NetworkRounding.outputBound(net.model(), features).mul(2).reshape(40), "the rows written at the offset");
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
