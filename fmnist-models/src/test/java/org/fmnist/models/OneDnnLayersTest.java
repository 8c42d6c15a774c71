package org.fmnist.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.core.model.OneDnnLayers;
import org.fmnist.core.model.UpdateRounding;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/** The fast path must compute what DL4J's own path computes: forward pass and every gradient. */
@Tag("twin")
class OneDnnLayersTest {
    private final ModelContext context = new ModelContext(7, new Adam(1e-3));

    static INDArray[] batch() {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        return new INDArray[] {x, y};
    }

    /**
     * DL4J's oneDNN convolution helper against DL4J's own code. Run pinned to AVX2 and SSE4.1 (the twins'
     * executions), not natively: on AVX-512 its backward passes are Winograd's (jit_wino_4x3), where an output
     * whose terms are all exact zeros comes out small and non-zero from its tile's neighbours, which the rounding
     * model (direct sums) does not bound. The helper's layouts and gradient logic, which it checks (NHWC broke
     * them), do not depend on the instruction set.
     */
    @Test
    @Tag("direct-convolutions")
    void theFastPathIsAttachedAndMatchesDl4jsGradients() {
        Network fast = new CompactCnn().create(new CompactCnn.Parameters(null, null, null, null, 0.0, true), context);
        Network plain = new CompactCnn().create(new CompactCnn.Parameters(null, null, null, null, 0.0, false), context);
        assertInstanceOf(MKLDNNConvHelper.class, fast.layers().get(0).getHelper());
        assertInstanceOf(MKLDNNConvHelper.class, fast.layers().get(2).getHelper());
        assertNull(plain.layers().get(0).getHelper());

        assertSameForwardPassAndGradients(fast, plain);
    }

    /**
     * {@code fast} and {@code plain}, built alike from the same seed, compute the same output and every
     * gradient on a batch, and move their weights and batch-norm statistics alike in a step, each within
     * what float rounding allows ({@link NetworkRounding}): the check that the helper is right, for either
     * kind of network.
     */
    static void assertSameForwardPassAndGradients(Network fast, Network plain) {
        assertEquals(plain.params(), fast.params(), "same seed, same starting weights");
        INDArray[] b = batch();
        FloatRounding.assertWithin(plain.output(b[0]), fast.output(b[0]),
                NetworkRounding.outputBound(plain.model(), b[0]).mul(2), "the forward pass");
        NetworkRounding.Gradient expected = NetworkRounding.gradient(plain.model(), b[0], b[1], SEED);
        FloatRounding.assertWithin(expected.raw(), gradient(fast, b), expected.bound().mul(2), "the gradient");
        // One step each: the weights, and the batch norms' running means and variances, which a helper
        // computes on its own, must move alike.
        UpdateRounding.Bounds bounds = UpdateRounding.of(plain.model(), expected, (int) b[0].size(0));
        Nd4j.getRandom().setSeed(SEED);
        fast.fit(b[0], b[1]);
        Nd4j.getRandom().setSeed(SEED);
        plain.fit(b[0], b[1]);
        FloatRounding.assertWithin(plain.params(), fast.params(), bounds.weights(), "the weights after a step");
    }

    private static final long SEED = 11;

    /** The flattened gradient of every parameter on batch {@code b}, computed in training mode. */
    private static INDArray gradient(Network network, INDArray[] b) {
        // Network has no gradient API (training only needs fit), so this reaches for the DL4J object.
        Nd4j.getRandom().setSeed(SEED);
        if (network.model() instanceof ComputationGraph graph) {
            graph.setInputs(b[0]);
            graph.setLabels(b[1]);
            graph.computeGradientAndScore();
            return graph.getFlattenedGradients().dup();
        }
        MultiLayerNetwork net = (MultiLayerNetwork) network.model();
        net.setInput(b[0]);
        net.setLabels(b[1]);
        net.computeGradientAndScore();
        return net.getFlattenedGradients().dup();
    }

    @Test
    void theDeepCnnsBatchNormsAndConvolutionsTakeTheFastPathAndMatchDl4j() {
        // Plain SGD: Adam's first step moves every weight by the learning rate whatever the sign of its
        // gradient, so the convolution biases' zero gradients (float noise, differing by path) would
        // become steps of ±0.001 that differ between the two networks.
        ModelContext sgd = new ModelContext(7, new Sgd(0.1));
        Network fast = new DeepCnn().create(new DeepCnn.Parameters(8, 16, 0.0, 0.0, true), sgd);
        Network plain = new DeepCnn().create(new DeepCnn.Parameters(8, 16, 0.0, 0.0, false), sgd);
        assertEquals(6, fast.layers().stream().filter(l -> l.getHelper() instanceof MKLDNNBatchNormHelper).count());
        assertEquals(6, fast.layers().stream().filter(l -> l.getHelper() instanceof MKLDNNConvHelper).count());
        assertTrue(plain.layers().stream().allMatch(l -> l.getHelper() == null));

        assertSameForwardPassAndGradients(fast, plain);
    }

    @Test
    void nhwcIsRefusedBecauseItsGradientsAreWrong() {
        MultiLayerNetwork nhwc = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(CNN2DFormat.NHWC).build())
                .layer(new OutputLayer.Builder().nOut(10).build())
                .setInputType(InputType.convolutional(28, 28, 1, CNN2DFormat.NHWC)).build());
        nhwc.init();

        assertThrows(IllegalArgumentException.class, () -> OneDnnLayers.attach(Network.of(nhwc)));
    }

    @Test
    void forScoringOnlyTheLayersTheHelpersCanTakeGetThem() {
        MultiLayerNetwork mixed = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(CNN2DFormat.NHWC).build())
                .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().lockGammaBeta(true).build())
                .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder().nOut(10).build())
                .setInputType(InputType.convolutional(28, 28, 1, CNN2DFormat.NHWC)).build());
        mixed.init();
        Network net = Network.of(mixed);

        OneDnnLayers.attachWhereSupported(net);

        assertEquals(java.util.Arrays.asList(null, null, MKLDNNBatchNormHelper.class, null),
                net.layers().stream().map(l -> l.getHelper() == null ? null : l.getHelper().getClass()).toList());
    }

    @Test
    void theCnnsHaveTheirDocumentedParameterCounts() {
        assertEquals(421_642, new CompactCnn().create(new CompactCnn.Parameters(null, null, null, null, null, false), context).numParams());
        Network deep = new DeepCnn().create(new DeepCnn.Parameters(null, null, null, null, false), context);
        assertEquals(585_962, deep.numParams());
        float[] sums = deep.output(batch()[0]).sum(1).toFloatVector();
        assertEquals(1f, sums[0], FloatRounding.probabilitiesSumBound(10));
    }
}
