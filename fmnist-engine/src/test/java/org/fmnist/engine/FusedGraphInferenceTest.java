package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.OneDnnLayers;
import org.fmnist.core.model.TinyNetworks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The fused oneDNN chain for graphs: its probabilities against the graph's own {@code output()}, within
 * what float rounding allows ({@link FusedInferenceTest#assertSameAsTheNetwork}).
 */
@Tag("twin")
class FusedGraphInferenceTest {

    /**
     * The residual network's shape (models' {@code resnet}), small: a 3×3 stem of {@code width} channels
     * without bias; a pre-activation block (batch norm, ReLU, 3×3 convolution, twice) whose input skips to
     * the sum; a strided block to twice the width whose shortcut is a strided 1×1 projection of its normalised input; a
     * batch norm and ReLU; global average pooling; softmax with dropout on its input.
     */
    static Network residual(boolean oneDnn, int width) {
        ComputationGraph net = residualGraph(new Adam(1e-2), 0.8, oneDnn, width);
        // Steps move the weights and the batch-norm statistics away from where they started.
        return TinyNetworks.stepped(Network.of(net), 4, 32);
    }

    /** {@link #residual}'s graph as initialised, trained by {@code updater}, dropout keeping {@code keep} (1: none). */
    static ComputationGraph residualGraph(IUpdater updater, double keep, boolean oneDnn, int width) {
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
        if (keep < 1) {
            output.dropOut(keep);
        }
        GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(17).updater(updater)
                .weightInit(WeightInit.RELU).graphBuilder()
                .addInputs("pixels").setInputTypes(InputType.convolutionalFlat(28, 28, 1))
                .addLayer("stem", convolution(3, 1, width, false), "pixels");
        String block1 = block(graph, "block1", "stem", 1, width);
        String block2 = block(graph, "block2", block1, 2, 2 * width);
        graph.addLayer("head-norm", new BatchNormalization.Builder().build(), block2)
                .addLayer("head-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "head-norm")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "head-relu")
                .addLayer("output", output.build(), "pool")
                .setOutputs("output");
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        if (oneDnn) {
            OneDnnLayers.attach(Network.of(net));
        }
        return net;
    }

    /**
     * What the residual networks do not use but the chain claims to cover: a convolution with a bias
     * and its own ReLU, max-pooling, a batch norm that keeps its variance, a batch norm and ReLU after
     * a sum, an identity activation layer, global max-pooling and a dense layer before the output.
     */
    private static Network unusual() {
        GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(18).updater(new Adam(1e-2))
                .weightInit(WeightInit.RELU).graphBuilder()
                .addInputs("pixels").setInputTypes(InputType.convolutionalFlat(28, 28, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(), "pixels")
                .addLayer("max", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "conv")
                .addLayer("side", convolution(3, 1, 6, true), "max")
                .addLayer("side-norm", new BatchNormalization.Builder().useLogStd(false).build(), "side")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "max", "side-norm")
                .addLayer("sum-norm", new BatchNormalization.Builder().build(), "sum")
                .addLayer("sum-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "sum-norm")
                .addLayer("same", new ActivationLayer.Builder().activation(Activation.IDENTITY).build(), "sum-relu")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "same")
                .addLayer("dense", new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build(), "pool")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("output");
        return stepped(graph, false);
    }

    private static String block(GraphBuilder graph, String name, String input, int stride, int channels) {
        boolean project = stride != 1;
        graph.addLayer(name + "-norm1", new BatchNormalization.Builder().build(), input)
                .addLayer(name + "-relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "-norm1")
                .addLayer(name + "-conv1", convolution(3, stride, channels, false), name + "-relu1")
                .addLayer(name + "-norm2", new BatchNormalization.Builder().build(), name + "-conv1")
                .addLayer(name + "-relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "-norm2")
                .addLayer(name + "-conv2", convolution(3, 1, channels, false), name + "-relu2");
        String shortcut = input;
        if (project) {
            shortcut = name + "-projection";
            graph.addLayer(shortcut, convolution(1, stride, channels, false), name + "-relu1");
        }
        graph.addVertex(name + "-sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "-conv2", shortcut);
        return name + "-sum";
    }

    private static ConvolutionLayer convolution(int kernel, int stride, int channels, boolean bias) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(channels)
                .convolutionMode(ConvolutionMode.Same).hasBias(bias).activation(Activation.IDENTITY).build();
    }

    private static Network stepped(GraphBuilder graph, boolean oneDnn) {
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        Network network = Network.of(net);
        if (oneDnn) {
            OneDnnLayers.attach(network);
        }
        // Steps move the weights and the batch-norm statistics away from where they started.
        return TinyNetworks.stepped(network, 4, 32);
    }

    @Test
    void aResidualNetworkScoresWhatTheGraphDoesWithAndWithoutDl4jsOneDnnHelpers() {
        for (boolean oneDnn : new boolean[] {true, false}) {
            Network net = residual(oneDnn, 4);
            try (BatchInference inference = net.inference()) {
                assertInstanceOf(FusedGraphInference.class, inference);
                FusedInferenceTest.assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(200, 41));
                FusedInferenceTest.assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(9, 42)); // a last, smaller batch
                FusedInferenceTest.assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(200, 43)); // the first chain again
            }
        }
    }

    @Test
    void biasesMaxPoolingVarianceNormsAfterSumsAndDenseLayersScoreAlike() {
        Network net = unusual();
        try (BatchInference inference = net.inference()) {
            assertInstanceOf(FusedGraphInference.class, inference);
            FusedInferenceTest.assertSameAsTheNetwork(net, inference, TinyNetworks.randomPixels(60, 44));
        }
    }

    @Test
    void aGraphOfRowsTakesDl4jsOutput() {
        Network net = TinyNetworks.residualGraph(3, new Adam(1e-3));
        try (BatchInference inference = net.inference()) {
            assertFalse(inference instanceof FusedGraphInference, "a graph over rows, with a batch norm on them");
        }
    }
}
