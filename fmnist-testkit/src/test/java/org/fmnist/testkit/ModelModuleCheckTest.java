package org.fmnist.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.spec.ParameterChecks;
import org.fmnist.models.ModelsModule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The kit passes fmnist's own models and names each deliberate mistake of a broken one. */
class ModelModuleCheckTest {

    @Test
    void fmnistsOwnDenseAndCompactCnnPass() {
        ModelModuleCheck.of(new ModelsModule(), "dense").buildsAt(Map.of("hidden", 1)).refuses(Map.of("hidden", 0)).run();
        ModelModuleCheck.of(new ModelsModule(), "cnn").buildsAt(Map.of("filters1", 1, "filters2", 1, "dense", 1))
                .refuses(Map.of("dropout", 1.0)).run();
    }

    @Test
    void aWellMadeModelPasses() {
        ModelModuleCheck.of(module(new Mlp(Mistake.NONE)), "mlp").buildsAt(Map.of("hidden", 1)).refuses(Map.of("hidden", 0)).run();
    }

    @Test
    void anUnregisteredNameIsNamed() {
        assertFails(ModelModuleCheck.of(module(new Mlp(Mistake.NONE)), "mlp-typo"), "registers no model 'mlp-typo'", "[mlp]");
    }

    @Test
    void aBatchNormWithAnActivationIsCaught() {
        assertFails(ModelModuleCheck.of(module(new Mlp(Mistake.BATCH_NORM_ACTIVATION)), "mlp"), "batch norm(s) [norm]",
                "ActivationLayer");
    }

    @Test
    void aModelThatIgnoresTheOptimizerIsCaughtNotLearning() {
        assertFails(ModelModuleCheck.of(module(new Mlp(Mistake.IGNORES_UPDATER)), "mlp"), "training:", "did not lower the loss");
    }

    @Test
    void aLayerOnnxCannotTakeIsCaught() {
        assertFails(ModelModuleCheck.of(module(new Mlp(Mistake.ELU)), "mlp"), "as ONNX:");
    }

    @Test
    void aRangeLeftUncheckedAndAKeyWithoutDescriptionAreCaughtTogether() {
        assertFails(ModelModuleCheck.of(module(new Undescribed()), "undescribed").refuses(Map.of("hidden", 0)),
                "2 problems", "key hidden has no @JsonPropertyDescription", "at {hidden=0}: accepted");
    }

    @Test
    void aJavaMessageForABadValueIsCaught() {
        assertFails(ModelModuleCheck.of(module(new Undescribed()), "undescribed").refuses(Map.of("hidden", -1)),
                "at {hidden=-1}: refused, but the message does not name model.hidden");
    }

    private static void assertFails(ModelModuleCheck check, String... phrases) {
        AssertionError e = assertThrows(AssertionError.class, check::run);
        for (String phrase : phrases) {
            assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' missing from: " + e.getMessage());
        }
    }

    private static PluginModule module(ModelFactory<?> model) {
        String name = model instanceof Undescribed ? "undescribed" : "mlp";
        return new PluginModule() {
            @Override
            protected void configure() {
                ModelRegistry.models(binder()).addBinding(name).toInstance(model);
            }
        };
    }

    enum Mistake { NONE, BATCH_NORM_ACTIVATION, IGNORES_UPDATER, ELU }

    /** One hidden layer, made with one deliberate mistake, or none (IGNORES_UPDATER: its own optimizer, at learning rate 0). */
    static final class Mlp implements ModelFactory<Mlp.Parameters> {
        record Parameters(@JsonPropertyDescription("Hidden units.") Integer hidden) {
            Parameters {
                hidden = hidden == null ? 16 : hidden;
                ParameterChecks.of().require(hidden >= 1, "hidden", hidden, "must be at least 1").done();
            }
        }

        private final Mistake mistake;

        Mlp(Mistake mistake) {
            this.mistake = mistake;
        }

        @Override
        public String description() {
            return "dense -> softmax";
        }

        @Override
        public Class<Parameters> parametersType() {
            return Parameters.class;
        }

        @Override
        public org.fmnist.core.model.Network create(Parameters p, ModelContext context) {
            var list = new NeuralNetConfiguration.Builder().seed(context.seed())
                    .updater(mistake == Mistake.IGNORES_UPDATER ? new Sgd(0.0) : context.updater()).list()
                    .layer(new DenseLayer.Builder().nOut(p.hidden())
                            .activation(mistake == Mistake.ELU ? Activation.ELU : Activation.RELU).build());
            if (mistake == Mistake.BATCH_NORM_ACTIVATION) {
                list.layer(new BatchNormalization.Builder().name("norm").activation(Activation.RELU).build());
            }
            MultiLayerNetwork net = new MultiLayerNetwork(list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(FashionClass.COUNT).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(IdxFile.PIXELS)).build());
            net.init();
            return org.fmnist.core.model.Network.of(net);
        }

        @Override
        public int preferredThreads() {
            return 1;
        }
    }

    /** A key without a description, and a range its record checks in Java's words, below zero only. */
    static final class Undescribed implements ModelFactory<Undescribed.Parameters> {
        record Parameters(Integer hidden) {
            Parameters {
                hidden = hidden == null ? 16 : hidden;
                if (hidden < 0) {
                    throw new IllegalArgumentException("negative");
                }
            }
        }

        @Override
        public String description() {
            return "dense -> softmax";
        }

        @Override
        public Class<Parameters> parametersType() {
            return Parameters.class;
        }

        @Override
        public org.fmnist.core.model.Network create(Parameters p, ModelContext context) {
            return new Mlp(Mistake.NONE).create(new Mlp.Parameters(Math.max(1, p.hidden())), context);
        }

        @Override
        public int preferredThreads() {
            return 1;
        }
    }
}
