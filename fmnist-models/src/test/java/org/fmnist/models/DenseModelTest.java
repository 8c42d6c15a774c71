package org.fmnist.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class DenseModelTest {
    private final DenseModel model = new DenseModel();
    private final ModelContext context = new ModelContext(1, new Adam(1e-3));

    @Test
    void theReferenceHas25450ParametersByDl4jsOwnCount() {
        Network net = model.create(new DenseModel.Parameters(null, null), context);

        assertEquals(25_450, net.numParams());
        assertEquals(784 * 32 + 32, net.layers().get(0).numParams());
        assertEquals(32 * 10 + 10, net.layers().get(1).numParams());
    }

    @Test
    void isFlattenDenseReluThenSoftmax() {
        Network net = model.create(new DenseModel.Parameters(null, null), context);

        DenseLayer hidden = assertInstanceOf(DenseLayer.class, net.layers().get(0).conf().getLayer());
        OutputLayer output = assertInstanceOf(OutputLayer.class, net.layers().get(1).conf().getLayer());
        assertEquals(784, hidden.getNIn());
        assertEquals(32, hidden.getNOut());
        assertEquals(Activation.RELU.getActivationFunction(), hidden.getActivationFn());
        assertEquals(Activation.SOFTMAX.getActivationFunction(), output.getActivationFn());
        assertEquals(10, output.getNOut());
        assertEquals(2, net.layers().size());
    }

    @Test
    void outputsAProbabilityDistributionPerImage() {
        Network net = model.create(new DenseModel.Parameters(null, null), context);

        float[] sums = net.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 784)).sum(1).toFloatVector();

        for (float s : sums) {
            assertEquals(1f, s, FloatRounding.probabilitiesSumBound(10));
        }
    }

    @Test
    void hiddenWidthChangesTheParameterCount() {
        Network net = model.create(new DenseModel.Parameters(64, Activation.TANH), context);

        assertEquals(784 * 64 + 64 + 64 * 10 + 10, net.numParams());
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        Network a = model.create(new DenseModel.Parameters(null, null), context);
        Network b = model.create(new DenseModel.Parameters(null, null), context);
        Network c = model.create(new DenseModel.Parameters(null, null), new ModelContext(2, new Adam(1e-3)));

        assertEquals(a.params(), b.params());
        assertEquals(false, a.params().equals(c.params()));
    }

    @Test
    void rejectsAnEmptyHiddenLayer() {
        assertThrows(IllegalArgumentException.class, () -> new DenseModel.Parameters(0, null));
    }

    @Test
    void isRegisteredAsDense() {
        Map<String, ModelFactory<?>> models = Guice.createInjector(new ModelsModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory<?>>>() {}));

        assertInstanceOf(DenseModel.class, models.get("dense"));
    }
}
