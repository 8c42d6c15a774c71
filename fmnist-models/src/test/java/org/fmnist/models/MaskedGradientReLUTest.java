package org.fmnist.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.OneDnnLayers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The masked ReLU gradient against DL4J's {@code relu_bp}; whole networks are compared with DL4J's own
 * path in {@code OneDnnLayersTest} and {@code ResNetTest}.
 */
class MaskedGradientReLUTest {
    private final ModelContext context = new ModelContext(7, new Adam(1e-3));

    @TempDir
    Path dir;

    @Test
    void itsGradientIsDl4jsValueForValueZerosIncluded() {
        Nd4j.getRandom().setSeed(3);
        INDArray in = Nd4j.randn(DataType.FLOAT, 64, 8, 14, 14);
        // Exact zeros, where the two definitions could part: ReLU's gradient at 0 is 0 in both.
        in.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).assign(0);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 64, 8, 14, 14);

        float[] dl4j = new ActivationReLU().backprop(in.dup(), epsilon.dup()).getFirst().reshape(-1).toFloatVector();
        float[] masked = new MaskedGradientReLU().backprop(in.dup(), epsilon.dup()).getFirst().reshape(-1).toFloatVector();

        assertEquals(dl4j.length, masked.length);
        int zeros = 0;
        for (int i = 0; i < dl4j.length; i++) {
            // == and not the bits: a masked-out gradient is 0 times the incoming one, so it may be -0.
            assertTrue(dl4j[i] == masked[i], "element " + i + ": " + dl4j[i] + " against " + masked[i]);
            zeros += dl4j[i] == 0 ? 1 : 0;
        }
        assertTrue(zeros > dl4j.length / 3, "about half the inputs are negative or zero");
    }

    @Test
    void theFastPathReplacesEveryPlainReluAndOnlyThose() {
        Network deep = new DeepCnn().create(new DeepCnn.Parameters(8, 16, 0.0, 0.0, true), context);
        List<IActivation> fns = deep.layers().stream().map(MaskedGradientReLUTest::activation).toList();

        assertEquals(7, fns.stream().filter(f -> f instanceof MaskedGradientReLU).count(), "six after the batch norms, one dense");
        assertEquals(0, fns.stream().filter(f -> f != null && f.getClass() == ActivationReLU.class).count());
        assertInstanceOf(ActivationSoftmax.class, fns.get(fns.size() - 1));

        Network plain = new DeepCnn().create(new DeepCnn.Parameters(8, 16, 0.0, 0.0, false), context);
        assertEquals(0, plain.layers().stream().filter(l -> activation(l) instanceof MaskedGradientReLU).count(),
                "onednn off is DL4J's own path throughout");
    }

    @Test
    void aSavedNetworkComesBackWithIt() throws IOException {
        Network net = new CompactCnn().create(new CompactCnn.Parameters(8, 8, null, 16, null, true), context);
        Path file = dir.resolve("model.zip");
        net.save(file, false);

        Network restored = Network.restore(file, false);

        assertSame(MaskedGradientReLU.class, activation(restored.layers().get(0)).getClass());
        INDArray x = OneDnnLayersTest.batch()[0];
        assertEquals(net.output(x), restored.output(x));
    }

    private static IActivation activation(Layer layer) {
        var conf = layer.conf().getLayer();
        if (conf instanceof BaseLayer base) {
            return base.getActivationFn();
        }
        return conf instanceof ActivationLayer a ? a.getActivationFn() : null;
    }
}
