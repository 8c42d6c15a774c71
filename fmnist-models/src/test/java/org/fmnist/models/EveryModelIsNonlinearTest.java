package org.fmnist.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Every model this module registers, at its defaults, gets its nonlinearities from layers that apply
 * them. The residual network and the deep CNN once gave ReLU to their batch norms, which DL4J ignores,
 * and trained as linear maps with pooling (validation 0.75 after 4 epochs for the residual network).
 */
class EveryModelIsNonlinearTest {

    private static <P extends Record> Network atDefaults(ModelFactory<P> factory) {
        P defaults = new ObjectMapper().convertValue(Map.of(), factory.parametersType());
        return factory.create(defaults, new ModelContext(1, new Adam(1e-3)));
    }

    @Test
    void noBatchNormIsGivenAnActivationDl4jWouldIgnore() {
        Map<String, ModelFactory<?>> models = Guice.createInjector(new ModelsModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory<?>>>() {}));
        int batchNorms = 0;
        for (var entry : models.entrySet()) {
            Network net = atDefaults(entry.getValue());
            assertEquals(List.of(), net.layersIgnoringTheirActivation(), entry.getKey());
            batchNorms += (int) net.layers().stream().filter(l -> l.conf().getLayer() instanceof BatchNormalization).count();
        }
        assertFalse(batchNorms == 0, "the check saw batch norms to check (resnet and cnn-deep have them)");
    }
}
