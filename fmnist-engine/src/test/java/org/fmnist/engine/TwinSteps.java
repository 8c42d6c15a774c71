package org.fmnist.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.Engines;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.core.model.TinyNetworks;
import org.fmnist.core.model.TrainingStep;
import org.fmnist.core.model.UpdateRounding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains twin networks (same configuration, same seed) batch after batch, one on DL4J's own
 * {@code fit}, the other through the step {@link FusedEngine} has for it, and
 * compares them after every step: the loss, the update, the weights, the optimizer's state and the
 * iteration count. The random generator is seeded alike before each twin's step, so that dropout draws
 * the same masks for both.
 *
 * <p>They may differ by rounding and no more: each comparison is within the bound {@link NetworkRounding}
 * and {@link UpdateRounding} derive from the step's arithmetic on that batch, never a tolerance. Each step
 * starts from DL4J's weights and optimizer state, copied into the own step's network: a step's rounding is
 * what is bounded; how a network's training magnifies a rounding over many steps is the network's, not the
 * step's. Reading the weights back from the network at every step is part of what this checks.
 */
final class TwinSteps {
    private TwinSteps() {}

    /**
     * @param step the class of the step the engine must have for the network, which core's lookup
     *     ({@link Engines}) finds and {@link Network#fit} takes
     * @param labels labels for a batch of {@code rows} at step {@code seed}
     */
    static void assertTwinsAgree(Supplier<? extends Model> twin, Class<? extends OwnTrainingStep> step,
                                 BiFunction<Integer, Long, INDArray> labels, int[] batchSizes) {
        Model dl4j = twin.get();
        Model inside = twin.get();
        // As a network does before its first step: the gradient view the step writes into.
        TrainingStep fast = engineStep(inside).orElseThrow(() -> new AssertionError("no engine's step"));
        assertInstanceOf(step, fast, "the step found");
        // A third twin on which the analysis runs DL4J's forward pass and gradient.
        Model analysed = twin.get();
        assertEquals(dl4j.params(), inside.params(), "the twins at the start");
        for (int s = 0; s < batchSizes.length; s++) {
            INDArray x = TinyNetworks.randomPixels(batchSizes[s], s);
            INDArray y = labels.apply(batchSizes[s], (long) s);
            analysed.setParams(dl4j.params());
            NetworkRounding.Gradient gradient = NetworkRounding.gradient(analysed, x, y, 100 + s);
            UpdateRounding.Bounds bounds = UpdateRounding.of(dl4j, gradient, batchSizes[s]);
            Nd4j.getRandom().setSeed(100 + s);
            dl4jFit(dl4j, x, y);
            Nd4j.getRandom().setSeed(100 + s);
            assertTrue(fast.accepts(x, y), "the step takes the batch");
            double loss = fast.fit(x, y);
            String at = " after step " + (s + 1);
            // Both add the same regularisation score to the loss, one rounding each.
            FloatRounding.assertWithin(dl4j.score(), loss,
                    2 * gradient.lossBound() + 2 * FloatRounding.gamma(1) * Math.abs(dl4j.score()), "the loss" + at);
            // After a step the gradient view holds the update the updater made of the gradient.
            FloatRounding.assertWithin(gradientView(dl4j), gradientView(inside), bounds.update(), "the update" + at);
            FloatRounding.assertWithin(dl4j.params(), inside.params(), bounds.weights(), "the weights" + at);
            INDArray state = network(dl4j).updaterState();
            if (state != null) {
                FloatRounding.assertWithin(state, network(inside).updaterState(), bounds.state(), "the optimizer's state" + at);
            }
            assertEquals(network(dl4j).iterationCount(), network(inside).iterationCount(), "iterations counted" + at);
            inside.params().assign(dl4j.params());
            if (state != null) {
                network(inside).updaterState().assign(state);
            }
        }
    }

    /** The engine's step for {@code model}, after making its gradient view as a network does before its first step. */
    private static java.util.Optional<TrainingStep> engineStep(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            net.initGradientsView();
            return Engines.trainingStep(net);
        }
        ComputationGraph graph = (ComputationGraph) model;
        graph.initGradientsView();
        return Engines.trainingStep(graph);
    }

    /** DL4J's own step, whatever engine is installed. */
    private static void dl4jFit(Model model, INDArray x, INDArray y) {
        if (model instanceof MultiLayerNetwork net) {
            net.fit(x, y);
        } else {
            ((ComputationGraph) model).fit(new INDArray[] {x}, new INDArray[] {y});
        }
    }

    private static INDArray gradientView(Model model) {
        return model instanceof MultiLayerNetwork net ? net.getFlattenedGradients() : ((ComputationGraph) model).getFlattenedGradients();
    }

    private static Network network(Model model) {
        return model instanceof MultiLayerNetwork net ? Network.of(net) : Network.of((ComputationGraph) model);
    }

    /** Initialises {@code net} and checks that no engine has a step for it, so a step on eight images is DL4J's own. */
    static void assertTakesDl4jsStep(MultiLayerNetwork net, INDArray labels) {
        net.init();
        net.initGradientsView();
        assertTrue(Engines.trainingStep(net).isEmpty(), net.getLayerWiseConfigurations().toJson());
        Network.of(net).fit(TinyNetworks.randomPixels((int) labels.size(0), 1), labels);
        assertEquals(1, net.getIterationCount(), "DL4J's own step ran");
    }
}
