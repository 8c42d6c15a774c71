package org.fmnist.engine;


import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.OneDnnLayers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link FusedCnnTraining}'s step against DL4J's own on twin networks (same configuration, same seed,
 * the same random draws for dropout): the loss, the update, the optimizer's state and the weights,
 * step after step.
 */
@Tag("twin")
class FusedCnnTrainingTest {

    /**
     * The compact CNN's shape, small: conv 6 (relu, Same) → max-pool → conv 8 (relu, a strided 5×5 with
     * explicit padding in Truncate mode) → max-pool → dense 16 (relu) → softmax, dropout on its input
     * where {@code keep} is below 1.
     */
    private static MultiLayerNetwork compactShaped(IUpdater updater, double keep, boolean oneDnn) {
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
        if (keep < 1) {
            output.dropOut(keep);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(13).updater(updater).weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).stride(2, 2).padding(1, 1).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(output.build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        net.init();
        if (oneDnn) {
            OneDnnLayers.attach(Network.of(net));
        }
        return net;
    }

    /**
     * The deep CNN's shape, small: two blocks of two Same-padded 3×3 convolutions without activation,
     * each followed by a batch norm and a ReLU layer, max-pooled; dropout on the input of each block after
     * the first and of the dense layer ({@code blockKeep}), and on the output layer's ({@code denseKeep});
     * the batch norms keep log10 standard deviations (DL4J's default) or, with {@code variance}, variances.
     */
    private static MultiLayerNetwork deepShaped(IUpdater updater, double blockKeep, double denseKeep, boolean variance,
                                                boolean oneDnn) {
        var list = new NeuralNetConfiguration.Builder().seed(21).updater(updater).weightInit(WeightInit.RELU).list();
        int[] filters = {4, 6};
        for (int block = 0; block < filters.length; block++) {
            for (int conv = 0; conv < 2; conv++) {
                ConvolutionLayer.Builder layer = new ConvolutionLayer.Builder(3, 3).nOut(filters[block])
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY);
                if (block > 0 && conv == 0 && blockKeep < 1) {
                    layer.dropOut(blockKeep);
                }
                list.layer(layer.build());
                list.layer(new BatchNormalization.Builder().useLogStd(!variance).build());
                list.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
            }
            list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
        }
        DenseLayer.Builder hidden = new DenseLayer.Builder().nOut(12).activation(Activation.RELU);
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
        if (blockKeep < 1) {
            hidden.dropOut(blockKeep);
        }
        if (denseKeep < 1) {
            output.dropOut(denseKeep);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(hidden.build()).layer(output.build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        net.init();
        if (oneDnn) {
            OneDnnLayers.attach(Network.of(net));
        }
        return net;
    }

    /** One-hot labels for {@code rows} images, drawn from {@code seed}. */
    static INDArray labels(int rows, long seed) {
        Random random = new Random(seed);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, 10);
        for (int row = 0; row < rows; row++) {
            labels.putScalar(row, random.nextInt(10), 1f);
        }
        return labels;
    }

    /** Within what the step's float arithmetic allows ({@link TwinSteps}): the convolutions sum in other orders. */
    private static void assertTwinsAgree(Supplier<MultiLayerNetwork> twin, int[] batchSizes) {
        TwinSteps.assertTwinsAgree(twin, FusedCnnTraining.class, FusedCnnTrainingTest::labels, batchSizes);
    }

    /** With plain SGD at rate 1 the update is the gradient over the batch, so this compares gradients. */
    @Test
    void itsGradientsAreDl4jsUpToRounding() {
        assertTwinsAgree(() -> compactShaped(new Sgd(1.0), 1, false), new int[] {16, 16, 5});
        assertTwinsAgree(() -> compactShaped(new Sgd(1.0), 1, true), new int[] {16, 7});
    }

    @Test
    void withDropoutAndAdamItFollowsDl4jsStepAfterStep() {
        int[] sizes = new int[12];
        java.util.Arrays.fill(sizes, 16);
        sizes[5] = 9;
        assertTwinsAgree(() -> compactShaped(new Adam(1e-3), 0.5, true), sizes);
    }

    /**
     * Batch norms and ReLU layers: gradients at SGD rate 1, and the running statistics after each step
     * (they are parameters, so the weights compared include them), in both of DL4J's parameterisations.
     * Two steps each: at rate 1 a batch norm's network soon magnifies rounding beyond the tolerance.
     */
    @Test
    void withBatchNormsItsGradientsAndRunningStatisticsAreDl4js() {
        assertTwinsAgree(() -> deepShaped(new Sgd(1.0), 1, 1, false, false), new int[] {16, 5});
        assertTwinsAgree(() -> deepShaped(new Sgd(1.0), 1, 1, true, true), new int[] {16, 7});
    }

    /**
     * The deep CNN's training as it runs, dropout on blocks, the dense layer and the output, step after
     * step with momentum. Not with Adam: a convolution's bias before a batch norm has a gradient of zero
     * but for rounding, which Adam scales up to whole steps, differently on each side.
     */
    @Test
    void withBatchNormsAndBlockDropoutItFollowsDl4jsStepAfterStep() {
        int[] sizes = new int[10];
        java.util.Arrays.fill(sizes, 16);
        sizes[4] = 9;
        assertTwinsAgree(() -> deepShaped(new Nesterovs(0.05, 0.9), 0.75, 0.5, false, true), sizes);
    }

    @Test
    void networksItDoesNotCoverTakeDl4jsStep() {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-3));
        List<MultiLayerNetwork> others = List.of(
            new MultiLayerNetwork(base.clone().list()
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                    .layer(new BatchNormalization.Builder().lockGammaBeta(true).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutionalFlat(28, 28, 1)).build()),
            new MultiLayerNetwork(base.clone().list()
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutionalFlat(28, 28, 1)).build()),
            new MultiLayerNetwork(base.clone().list()
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).dropOut(new GaussianDropout(0.2)).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutionalFlat(28, 28, 1)).build()));
        for (MultiLayerNetwork other : others) {
            TwinSteps.assertTakesDl4jsStep(other, labels(8, 2));
        }
    }
}
