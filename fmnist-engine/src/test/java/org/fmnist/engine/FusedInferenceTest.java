package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.core.model.OneDnnLayers;
import org.fmnist.core.model.OutputInference;
import org.fmnist.core.model.TinyNetworks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The fused oneDNN chain's probabilities against the network's own {@code output()}. */
@Tag("twin")
class FusedInferenceTest {

    /**
     * The shape of the project's CNNs, small: conv 6 → batch norm → relu → max-pool → conv 10 (relu,
     * dropout on its input) → average-pool → dense 24 → softmax, in NCHW as they train, Same mode.
     */
    private static Network projectShaped(boolean oneDnn) {
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

    /**
     * Everything the project's CNNs do not use but the chain claims to cover: a strided 5×5
     * convolution with explicit padding in Truncate mode (28 → 13), a batch norm that keeps its
     * variance instead of a log standard deviation, a pooling that drops the last row (13 → 6), a
     * ReLU given to a dense layer as a layer of its own, and two dense layers after the flattening.
     */
    private static Network unusual() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(12).updater(new Adam(1e-2)).weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(5, 5).stride(2, 2).padding(1, 1).nOut(5)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().useLogStd(false).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(20).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        net.init();
        return TinyNetworks.stepped(Network.of(net), 4, 32);
    }

    /** The chain's probabilities are the network's, up to what float rounding allows each ({@link NetworkRounding}). */
    static void assertSameAsTheNetwork(Network net, BatchInference inference, INDArray features) {
        int rows = (int) features.size(0);
        float[] scored = new float[rows * 10];
        inference.score(features, scored, 0);
        INDArray bound = NetworkRounding.outputBound(net.model(), features).mul(2);
        FloatRounding.assertWithin(net.output(features), Nd4j.createFromArray(scored).reshape(rows, 10), bound, "the probabilities");
    }

    @Test
    void theChainScoresWhatTheNetworkDoesWithAndWithoutDl4jsOneDnnHelpers() {
        for (boolean oneDnn : new boolean[] {true, false}) {
            Network net = projectShaped(oneDnn);
            try (BatchInference inference = net.inference()) {
                assertInstanceOf(FusedInference.class, inference);
                assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(200, 21));
                assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(7, 22)); // a last, smaller batch
                assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(200, 23)); // the first chain again
            }
        }
    }

    @Test
    void paddingStridesAVarianceBatchNormAndDenseActivationLayersScoreAlike() {
        Network net = unusual();
        try (BatchInference inference = net.inference()) {
            assertInstanceOf(FusedInference.class, inference);
            assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(50, 31));
        }
    }

    @Test
    void stacksOfDenseLayersScoreWhatTheNetworkDoesAtTheOffsetAsked() {
        MultiLayerNetwork deeper = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nOut(48).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new DenseLayer.Builder().nOut(20).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        deeper.init();
        for (Network net : new Network[] {TinyNetworks.stepped(TinyNetworks.layered(3, new Adam(1e-2)), 5, 64),
            TinyNetworks.stepped(Network.of(deeper), 5, 64)}) {
            try (BatchInference inference = net.inference()) {
                assertInstanceOf(FusedInference.class, inference);
                assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(1000, 11));
                assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(37, 12)); // a last, smaller batch
                INDArray features = TinyNetworks.randomPixels(4, 13);
                float[] into = new float[70];
                Arrays.fill(into, -1f);
                inference.score(features, into, 20);
                for (int i = 0; i < 70; i++) {
                    if (i < 20 || i >= 60) {
                        assertEquals(-1f, into[i], "left alone: " + i);
                    }
                }
                FloatRounding.assertWithin(net.output(features).reshape(40), Nd4j.createFromArray(Arrays.copyOfRange(into, 20, 60)),
                        NetworkRounding.outputBound(net.model(), features).mul(2).reshape(40), "the rows written at the offset");
            }
        }
    }

    @Test
    void networksItDoesNotCoverScoreThroughDl4jsOutput() {
        // A tanh convolution: oneDNN could fuse it, but nothing here has checked that it matches DL4J.
        MultiLayerNetwork tanh = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        tanh.init();
        try (BatchInference inference = Network.of(tanh).inference()) {
            assertInstanceOf(OutputInference.class, inference, "a tanh convolution");
        }

        // Same-mode pooling of 7 rows pads one; frameworks disagree on what a padded window holds.
        MultiLayerNetwork paddedPool = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).stride(4, 4).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        paddedPool.init();
        assertTrue(FusedInference.of(paddedPool).isEmpty(), "a padded pooling");

        // A batch norm after a ReLU cannot be folded into the convolution before it.
        MultiLayerNetwork normAfterRelu = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        normAfterRelu.init();
        assertTrue(FusedInference.of(normAfterRelu).isEmpty(), "a batch norm after a ReLU");
        assertFalse(FusedInference.of((MultiLayerNetwork) projectShaped(false).model()).isEmpty(), "the project's shape");
    }
}
