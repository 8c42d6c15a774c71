package org.fmnist.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The fast path must compute what DL4J's own path computes: forward pass and every gradient. */
class OneDnnConvolutionsTest {
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

    /** Relative difference of two gradient arrays: |a - b| / |b|. */
    private static double relative(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / Math.max(b.norm2Number().doubleValue(), 1e-12);
    }

    @Test
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
     * gradient on a batch: the check that the helper is right, for either kind of network.
     */
    static void assertSameForwardPassAndGradients(Network fast, Network plain) {
        assertEquals(plain.params(), fast.params(), "same seed, same starting weights");
        INDArray[] b = batch();
        assertTrue(relative(fast.output(b[0]), plain.output(b[0])) < 1e-4, "forward pass");
        Map<String, INDArray> gFast = gradients(fast, b);
        Map<String, INDArray> gPlain = gradients(plain, b);
        assertEquals(gPlain.keySet(), gFast.keySet());
        for (String key : gPlain.keySet()) {
            double diff = relative(gFast.get(key), gPlain.get(key));
            assertTrue(diff < 1e-3, key + ": relative gradient difference " + diff);
        }
    }

    /** The gradient of every parameter on batch {@code b}, by name, computed in training mode. */
    private static Map<String, INDArray> gradients(Network network, INDArray[] b) {
        // Network has no gradient API (training only needs fit), so this reaches for the DL4J object.
        if (network.model() instanceof ComputationGraph graph) {
            graph.setInputs(b[0]);
            graph.setLabels(b[1]);
            graph.computeGradientAndScore();
        } else {
            MultiLayerNetwork net = (MultiLayerNetwork) network.model();
            net.setInput(b[0]);
            net.setLabels(b[1]);
            net.computeGradientAndScore();
        }
        Map<String, INDArray> g = new java.util.TreeMap<>();
        network.model().gradient().gradientForVariable().forEach((k, v) -> g.put(k, v.dup()));
        return g;
    }

    @Test
    void nhwcIsRefusedBecauseItsGradientsAreWrong() {
        MultiLayerNetwork nhwc = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(CNN2DFormat.NHWC).build())
                .layer(new OutputLayer.Builder().nOut(10).build())
                .setInputType(InputType.convolutional(28, 28, 1, CNN2DFormat.NHWC)).build());
        nhwc.init();

        assertThrows(IllegalArgumentException.class, () -> OneDnnConvolutions.attach(Network.of(nhwc)));
    }

    @Test
    void theCnnsHaveTheirDocumentedParameterCounts() {
        assertEquals(421_642, new CompactCnn().create(new CompactCnn.Parameters(null, null, null, null, null, false), context).numParams());
        Network deep = new DeepCnn().create(new DeepCnn.Parameters(null, null, null, null, false), context);
        assertEquals(585_962, deep.numParams());
        float[] sums = deep.output(batch()[0]).sum(1).toFloatVector();
        assertEquals(1f, sums[0], 1e-4f);
    }
}
