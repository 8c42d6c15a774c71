package org.fmnist.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

@Tag("twin")
class ResNetTest {
    private final ModelContext context = new ModelContext(5, new Adam(1e-3));

    private Network resnet(int width, int stages, int blocks, boolean oneDnn) {
        return new ResNet().create(new ResNet.Parameters(width, stages, blocks, 0.0, oneDnn), context);
    }

    /**
     * DL4J's parameter count worked out by hand: convolutions have no bias, a batch norm holds four
     * values per channel (scale, shift, running mean and variance), and a block that changes the
     * channel count has a 1×1 projection shortcut.
     */
    private static long expectedParameters(int width, int stages, int blocks) {
        long count = 3 * 3 * 1 * width; // stem
        int in = width;
        for (int stage = 0; stage < stages; stage++) {
            int out = width << stage;
            for (int block = 0; block < blocks; block++) {
                count += 4L * in + 3 * 3 * in * out + 4L * out + 3 * 3 * out * out;
                if (in != out) {
                    count += (long) in * out;
                }
                in = out;
            }
        }
        return count + 4L * in + in * 10L + 10; // head batch norm, then the softmax layer
    }

    @Test
    void theParameterCountIsDl4jsOwnAndMatchesTheFormula() {
        assertEquals(1_422, expectedParameters(4, 2, 1), "the formula, checked by hand once");
        assertEquals(expectedParameters(4, 2, 1), resnet(4, 2, 1, false).numParams());
        assertEquals(expectedParameters(3, 3, 2), resnet(3, 3, 2, false).numParams());
        assertEquals(78_042, expectedParameters(16, 3, 1));
        assertEquals(78_042, new ResNet().create(new ResNet.Parameters(null, null, null, null, false), context).numParams(),
                "the documented default");
    }

    @Test
    void isAGraphWithASkipConnectionInEveryBlock() {
        Network net = resnet(4, 2, 2, false);

        ComputationGraphConfiguration conf = assertInstanceOf(ComputationGraph.class, net.model()).getConfiguration();
        List<String> sums = conf.getVertices().entrySet().stream()
                .filter(v -> v.getValue() instanceof ElementWiseVertex e && e.getOp() == ElementWiseVertex.Op.Add)
                .map(Map.Entry::getKey).sorted().toList();
        assertEquals(List.of("stage1-block1-sum", "stage1-block2-sum", "stage2-block1-sum", "stage2-block2-sum"), sums);
        // Identity shortcuts: the block's input itself is added, skipping both convolutions.
        assertEquals(List.of("stage1-block1-conv2", "stem"), conf.getVertexInputs().get("stage1-block1-sum"));
        assertEquals(List.of("stage2-block2-conv2", "stage2-block1-sum"), conf.getVertexInputs().get("stage2-block2-sum"));
        // Where the stage halves the image and doubles the channels, a strided 1×1 convolution is added instead.
        assertEquals(List.of("stage2-block1-conv2", "stage2-block1-projection"), conf.getVertexInputs().get("stage2-block1-sum"));
    }

    @Test
    void takesFlatImagesAndOutputsAProbabilityDistribution() {
        float[] sums = resnet(4, 3, 1, false).output(OneDnnLayersTest.batch()[0]).sum(1).toFloatVector();

        assertEquals(16, sums.length);
        for (float s : sums) {
            assertEquals(1f, s, FloatRounding.probabilitiesSumBound(10));
        }
    }

    @Test
    void theOneDnnPathIsOnEveryConvolutionAndBatchNormOfTheGraphAndMatchesDl4j() {
        Network fast = resnet(4, 2, 1, true);
        Network plain = resnet(4, 2, 1, false);

        List<Layer> convolutions = fast.layers().stream().filter(l -> l.getClass() == ConvolutionLayer.class).toList();
        assertEquals(6, convolutions.size(), "stem, 2 in each block, 1 projection");
        convolutions.forEach(c -> assertInstanceOf(MKLDNNConvHelper.class, c.getHelper(), c.conf().getLayer().getLayerName()));
        assertEquals(5, fast.layers().stream().filter(l -> l.getHelper() instanceof MKLDNNBatchNormHelper).count(),
                "2 in each block, 1 before the pooling");
        assertTrue(plain.layers().stream().allMatch(l -> l.getHelper() == null));

        OneDnnLayersTest.assertSameForwardPassAndGradients(fast, plain);
    }

    @Test
    void rejectsShapesThatCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new ResNet.Parameters(0, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ResNet.Parameters(null, 6, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ResNet.Parameters(null, null, 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ResNet.Parameters(null, null, null, 1.0, null));
    }

    @Test
    void isRegisteredAsResnet() {
        Map<String, ModelFactory<?>> models = Guice.createInjector(new ModelsModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory<?>>>() {}));

        assertInstanceOf(ResNet.class, models.get("resnet"));
    }
}
