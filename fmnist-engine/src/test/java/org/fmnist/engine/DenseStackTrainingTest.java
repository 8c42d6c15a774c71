package org.fmnist.engine;


import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * {@link DenseStackTraining}'s step against DL4J's own on twin networks (same configuration, same
 * seed): the gradient, the update, the optimizer's state, the weights and the loss, step after step.
 */
@Tag("twin")
class DenseStackTrainingTest {

    /** 784 → relu 40 → tanh 24 → sigmoid 12 → softmax 10: every activation the step differentiates. */
    private static MultiLayerNetwork deep(IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(7).updater(updater).weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().nOut(40).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(24).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return net;
    }

    /** The reference model's shape: 784 → relu 32 → softmax 10. */
    private static MultiLayerNetwork reference(IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).updater(updater).weightInit(WeightInit.XAVIER_UNIFORM).biasInit(0).list()
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return net;
    }

    /** One-hot labels, smoothed by 0.1 on odd steps as {@code training.label_smoothing} does. */
    private static INDArray labels(int rows, long seed) {
        Random random = new Random(seed);
        boolean smoothed = seed % 2 == 1;
        INDArray labels = Nd4j.valueArrayOf(new long[] {rows, 10}, smoothed ? 0.01f : 0f, DataType.FLOAT);
        for (int row = 0; row < rows; row++) {
            int label = random.nextInt(10);
            labels.putScalar(row, label, labels.getFloat(row, label) + (smoothed ? 0.9f : 1f));
        }
        return labels;
    }

    /** Within what the step's float arithmetic allows ({@link TwinSteps}). */
    private static void assertTwinsAgree(Supplier<MultiLayerNetwork> twin, int[] batchSizes) {
        TwinSteps.assertTwinsAgree(twin, DenseStackTraining.class, DenseStackTrainingTest::labels, batchSizes);
    }

    /** With plain SGD at rate 1 the update is the gradient over the batch, so this compares gradients. */
    @Test
    void itsGradientsAreDl4jsUpToRounding() {
        assertTwinsAgree(() -> deep(new Sgd(1.0)), new int[] {32, 32, 17});
        assertTwinsAgree(() -> reference(new Sgd(1.0)), new int[] {32, 5});
    }

    /** Adam over many steps, a last smaller batch among them: each step from DL4J's state is DL4J's up to rounding. */
    @Test
    void itsAdamStepsFollowDl4jsStepAfterStep() {
        int[] sizes = new int[60];
        java.util.Arrays.fill(sizes, 32);
        sizes[29] = 16;
        assertTwinsAgree(() -> reference(new Adam(1e-3)), sizes);
        assertTwinsAgree(() -> deep(new Adam(1e-2)), java.util.Arrays.copyOf(sizes, 20));
    }

    /** The updater applies regularisation, so the step has it as DL4J's does; L2 adds its term to the score. */
    @Test
    void itRegularisesAsDl4jDoes() {
        Supplier<MultiLayerNetwork> withL2 = () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(4).updater(new Adam(1e-3)).l2(1e-2).weightDecayBias(1e-3, true).list()
                    .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(784)).build());
            net.init();
            return net;
        };
        assertTwinsAgree(withL2, new int[] {32, 32, 32, 32, 32});
    }

    @Test
    void anythingElseTakesDl4jsStep() {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-3));
        List<MultiLayerNetwork> others = new ArrayList<>(List.of(
            new MultiLayerNetwork(base.clone().list()
                    .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).dropOut(0.8).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(784)).build()),
            new MultiLayerNetwork(base.clone().list()
                    .layer(new DenseLayer.Builder().nOut(16).activation(Activation.LEAKYRELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(784)).build()),
            new MultiLayerNetwork(base.clone().list()
                    .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(new LossMCXENT(Nd4j.ones(DataType.FLOAT, 1, 10).muli(2)))
                            .nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(784)).build()),
            new MultiLayerNetwork(base.clone().list()
                    .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(784)).build())));
        MultiLayerNetwork plain = reference(new Adam(1e-3));
        MultiLayerNetwork subclass = new MultiLayerNetwork(plain.getLayerWiseConfigurations(), plain.params()) {
            @Override
            public void fit(INDArray features, INDArray labels) {
                super.fit(features, labels); // a subclass's fit() is its own step, whatever it does
            }
        };
        others.add(subclass);
        for (MultiLayerNetwork other : others) {
            TwinSteps.assertTakesDl4jsStep(other, labels(8, 2));
        }
    }
}
