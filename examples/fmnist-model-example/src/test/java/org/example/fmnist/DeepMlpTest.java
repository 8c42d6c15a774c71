package org.example.fmnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.testkit.ModelModuleCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class DeepMlpTest {
    private final DeepMlp model = new DeepMlp();
    private final ModelContext context = new ModelContext(1, new Adam(1e-3));

    /** Weights and biases of a dense layer from {@code in} to {@code out} units. */
    private static long dense(long in, long out) {
        return in * out + out;
    }

    @Test
    void theDefaultsHave118282ParametersByDl4jsOwnCount() {
        Network net = model.create(new DeepMlp.Parameters(null, null, null), context);

        assertEquals(dense(784, 128) + dense(128, 128) + dense(128, 10), net.numParams());
        assertEquals(118_282, net.numParams());
    }

    @Test
    void widthAndDepthChangeTheCountAsTheFormulaSays() {
        Network net = model.create(new DeepMlp.Parameters(64, 3, 0.5), context);

        assertEquals(dense(784, 64) + 2 * dense(64, 64) + dense(64, 10), net.numParams());
        assertEquals(4, net.layers().size());
    }

    @Test
    void dropoutIsTheProbabilityToDropSoDl4jIsGivenTheProbabilityToKeep() {
        Network net = model.create(new DeepMlp.Parameters(null, null, 0.2), context);
        var layers = net.layers();

        assertNull(layers.get(0).conf().getLayer().getIDropout(), "the pixels are not dropped");
        for (Layer after : layers.subList(1, layers.size())) {
            Dropout dropout = assertInstanceOf(Dropout.class, after.conf().getLayer().getIDropout());
            assertEquals(0.8, dropout.getP(), 1e-12);
        }
    }

    @Test
    void dropoutZeroAddsNoDropout() {
        Network net = model.create(new DeepMlp.Parameters(null, null, 0.0), context);

        for (Layer layer : net.layers()) {
            assertNull(layer.conf().getLayer().getIDropout());
        }
    }

    @Test
    void outputsAProbabilityDistributionPerImage() {
        Network net = model.create(new DeepMlp.Parameters(null, null, null), context);

        float[] sums = net.output(Nd4j.rand(DataType.FLOAT, 4, 784)).sum(1).toFloatVector();

        assertEquals(4, sums.length);
        for (float s : sums) {
            assertEquals(1f, s, 1e-5f);
        }
    }

    @Test
    void rejectsValuesThatMakeNoNetwork() {
        assertThrows(IllegalArgumentException.class, () -> new DeepMlp.Parameters(0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new DeepMlp.Parameters(null, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new DeepMlp.Parameters(null, null, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new DeepMlp.Parameters(null, null, -0.1));
    }

    /**
     * fmnist's kit: registered and described, builds at its defaults and at the edges of its ranges,
     * refuses values past them in words, learns, saves and restores exactly, and ONNX Runtime agrees.
     */
    @Test
    void fmnistsKitFindsNothingWrong() {
        ModelModuleCheck.of(new DeepMlpModule(), "deep-mlp")
                .buildsAt(Map.of("hidden", 1, "layers", 1, "dropout", 0.0))
                .buildsAt(Map.of("dropout", 0.99))
                .refuses(Map.of("hidden", 0))
                .refuses(Map.of("layers", 0))
                .refuses(Map.of("dropout", 1.0))
                .run();
    }

    /** What the runner does with the module: one injector, and the models map it contributes to. */
    @Test
    void theModuleRegistersTheModelAsDeepMlp() {
        Map<String, ModelFactory<?>> models = Guice.createInjector(new DeepMlpModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory<?>>>() {}));

        assertEquals(java.util.Set.of("deep-mlp"), models.keySet());
        assertInstanceOf(DeepMlp.class, models.get("deep-mlp"));
    }
}
