package org.fmnist.core.model;

import java.util.Random;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Networks of each kind small enough to train in a test on {@code IdxFixtures}' toy data. */
public final class TinyNetworks {
    private TinyNetworks() {}

    /** {@code rows} images of random pixels in [0, 1), {@code [rows, 784]}, the same for the same seed. */
    public static INDArray randomPixels(int rows, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * 784];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return Nd4j.create(values, new long[] {rows, 784}, DataType.FLOAT);
    }

    /**
     * {@code net} after {@code steps} gradient steps on batches of {@code rows} random images with labels
     * cycling through the classes, so that its weights (and batch-norm statistics) are no longer the
     * initial ones.
     */
    public static Network stepped(Network net, int steps, int rows) {
        for (int step = 0; step < steps; step++) {
            INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, 10);
            for (int row = 0; row < rows; row++) {
                labels.putScalar(row, (row * 7 + step) % 10, 1f);
            }
            net.fit(randomPixels(rows, step), labels);
        }
        return net;
    }

    /** 784 → dense 16 (relu) → softmax 10. */
    public static Network layered(long seed, IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).updater(updater).weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return Network.of(net);
    }

    /**
     * A small CNN with dropout before its output: 3×3 convolution (4, relu, Same) → 2×2 max pooling →
     * dense 16 (relu) → softmax 10, keeping 70% of the dense layer's outputs while training. fmnist-engine
     * trains it through its fused step.
     */
    public static Network droppingCnn(long seed, IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).updater(updater).weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .dropOut(0.7).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        net.init();
        return Network.of(net);
    }

    /**
     * A graph with a skip connection: {@code first} (dense 24, relu) → {@code second} (dense 24,
     * dropping 30% of its input while training) → {@code norm} (batch norm, relu); the vertex
     * {@code skip} adds {@code first}'s output to {@code norm}'s, and softmax reads the sum. Dropout,
     * batch-norm statistics and the skip are the parts a graph's training and checkpoints must carry.
     */
    public static Network residualGraph(long seed, IUpdater updater) {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(seed).updater(updater).weightInit(WeightInit.XAVIER_UNIFORM).graphBuilder()
                .addInputs("pixels")
                .setInputTypes(InputType.feedForward(784))
                .addLayer("first", new DenseLayer.Builder().nOut(24).activation(Activation.RELU).build(), "pixels")
                .addLayer("second", new DenseLayer.Builder().nOut(24).activation(Activation.IDENTITY).dropOut(0.7).build(),
                        "first")
                .addLayer("norm", new BatchNormalization.Builder().build(), "second")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "norm")
                .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "first", "relu")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "skip")
                .setOutputs("out")
                .build());
        graph.init();
        return Network.of(graph);
    }
}
