package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.BatchInference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The fused steps at the models' real widths, and the residual network's inference chain, take a fast
 * kernel for every primitive on the CPU at hand:
 * oneDNN falls back to its reference kernels ({@code ref:any}) for layouts its fast ones do not take,
 * tens of times slower (a first convolution's weight gradient, one input channel in NCHW, took 400 ms a
 * batch of 64 on AVX2). Not a twin test: which kernel exists depends on the instruction set, and this
 * checks the one the CPU has.
 */
class FusedCnnKernelsTest {
    private static final int BATCH = 64;

    private static MultiLayerNetwork network(NeuralNetConfiguration.ListBuilder layers) {
        MultiLayerNetwork net = new MultiLayerNetwork(layers
                .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .dropOut(0.5).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        net.init();
        net.initGradientsView();
        return net;
    }

    private static ConvolutionLayer conv(int channels, Activation activation) {
        return new ConvolutionLayer.Builder(3, 3).nOut(channels).convolutionMode(ConvolutionMode.Same).activation(activation).build();
    }

    private static SubsamplingLayer pool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    /** The compact CNN (models' {@code cnn}): 32 and 64 channels, each with its ReLU, pooled. */
    private static MultiLayerNetwork compact() {
        return network(new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(conv(32, Activation.RELU)).layer(pool()).layer(conv(64, Activation.RELU)).layer(pool()));
    }

    /** The deep CNN's blocks (models' {@code cnn-deep}): convolution, batch norm, ReLU layer, twice a block. */
    private static MultiLayerNetwork deep() {
        var layers = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list();
        for (int channels : new int[] {32, 64}) {
            for (int i = 0; i < 2; i++) {
                layers.layer(conv(channels, Activation.IDENTITY)).layer(new BatchNormalization.Builder().build())
                        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
            }
            layers.layer(pool());
        }
        return network(layers);
    }

    /** The residual network's inference chain at the model's width (16, then 32) and the evaluation's batch. */
    @Test
    void everyPrimitiveOfAResidualNetworksInferenceTakesAFastKernel() {
        try (BatchInference inference = FusedGraphInferenceTest.residual(true, 16).inference()) {
            List<String> kernels = ((FusedGraphInference) inference).kernels(1000);
            assertFalse(kernels.isEmpty());
            assertTrue(kernels.stream().noneMatch(k -> k.contains("ref:")), String.join("\n", kernels));
        }
    }

    /** The residual network's training step at the model's width (16, then 32). */
    @Test
    void everyPrimitiveOfAResidualNetworksStepTakesAFastKernel() {
        ComputationGraph graph = FusedGraphInferenceTest.residualGraph(new Adam(1e-3), 0.8, true, 16);
        graph.initGradientsView();
        List<String> kernels = FusedGraphTraining.of(graph).orElseThrow().kernels(BATCH);
        assertFalse(kernels.isEmpty());
        assertTrue(kernels.stream().noneMatch(k -> k.contains("ref:")), String.join("\n", kernels));
    }

    @Test
    void everyPrimitiveTakesAFastKernel() {
        for (MultiLayerNetwork net : List.of(compact(), deep())) {
            List<String> kernels = FusedCnnTraining.of(net).orElseThrow().kernels(BATCH);
            assertFalse(kernels.isEmpty());
            assertTrue(kernels.stream().noneMatch(k -> k.contains("ref:")), String.join("\n", kernels));
        }
    }
}
