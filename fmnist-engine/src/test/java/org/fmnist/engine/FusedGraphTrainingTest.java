package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmnist.core.model.Engines;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.TinyNetworks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link FusedGraphTraining}'s step against DL4J's own on twin residual networks (models' {@code resnet}
 * shape, small: {@link FusedGraphInferenceTest#residualGraph}): the loss, the update, the optimizer's
 * state, the weights and the batch norms' running statistics, step after step.
 */
@Tag("twin")
class FusedGraphTrainingTest {

    private static void assertTwinsAgree(Supplier<ComputationGraph> twin, int[] batchSizes) {
        TwinSteps.assertTwinsAgree(twin, FusedGraphTraining.class, FusedCnnTrainingTest::labels, batchSizes);
    }

    /**
     * With plain SGD at rate 1 the update is the gradient over the batch, so this compares gradients,
     * through both shortcuts (the identity and the projection) and the sums of gradients where a vertex
     * has two readers. Two steps each: at rate 1 a batch norm's network soon magnifies rounding.
     */
    @Test
    void itsGradientsAndRunningStatisticsAreDl4jsUpToRounding() {
        assertTwinsAgree(() -> FusedGraphInferenceTest.residualGraph(new Sgd(1.0), 1, false, 4), new int[] {16, 5});
        assertTwinsAgree(() -> FusedGraphInferenceTest.residualGraph(new Sgd(1.0), 1, true, 8), new int[] {16, 7});
    }

    /** The residual network's training as it runs: Adam, dropout before the softmax, a last smaller batch. */
    @Test
    void withDropoutAndAdamItFollowsDl4jsStepAfterStep() {
        int[] sizes = new int[10];
        Arrays.fill(sizes, 16);
        sizes[9] = 9;
        assertTwinsAgree(() -> FusedGraphInferenceTest.residualGraph(new Adam(1e-3), 0.5, true, 4), sizes);
    }

    @Test
    void withMomentumItFollowsDl4jsStepAfterStep() {
        int[] sizes = new int[8];
        Arrays.fill(sizes, 16);
        assertTwinsAgree(() -> FusedGraphInferenceTest.residualGraph(new Nesterovs(0.05, 0.9), 0.8, false, 4), sizes);
    }

    @Test
    void graphsItDoesNotCoverTakeDl4jsStep() {
        ComputationGraph pooled = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-3))
                .graphBuilder().addInputs("pixels").setInputTypes(InputType.convolutionalFlat(28, 28, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(), "pixels")
                .addLayer("max", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "conv")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "max")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output").build());
        pooled.init();
        Network rows = TinyNetworks.residualGraph(3, new Adam(1e-3));
        for (ComputationGraph graph : new ComputationGraph[] {pooled, (ComputationGraph) rows.model()}) {
            graph.initGradientsView();
            assertTrue(Engines.trainingStep(graph).isEmpty(), graph.getConfiguration().toJson());
        }
    }
}
