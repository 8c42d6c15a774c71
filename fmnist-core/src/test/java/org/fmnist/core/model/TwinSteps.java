package org.fmnist.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains twin networks (same configuration, same seed) batch after batch, one on DL4J's own
 * {@code fit}, the other through {@link LayeredNetwork#fit} and the step it takes instead, and
 * compares them after every step: the loss, the update, the weights, the optimizer's state and the
 * iteration count. The random generator is seeded alike before each twin's step, so that dropout draws
 * the same masks for both.
 */
final class TwinSteps {
    private TwinSteps() {}

    /**
     * @param step the class of the step {@link LayeredNetwork#fit} must take
     * @param labels labels for a batch of {@code rows} at step {@code seed}
     * @param absolute allowed difference beside a relative one of {@code relative} times the value
     */
    static void assertTwinsAgree(Supplier<MultiLayerNetwork> twin, Class<? extends OwnTrainingStep> step,
                                 BiFunction<Integer, Long, INDArray> labels, int[] batchSizes, float absolute,
                                 float relative) {
        MultiLayerNetwork dl4j = twin.get();
        LayeredNetwork fast = new LayeredNetwork(twin.get());
        MultiLayerNetwork inside = (MultiLayerNetwork) fast.model();
        assertClose(dl4j.params(), inside.params(), 0f, 0f, "the twins at the start");
        for (int s = 0; s < batchSizes.length; s++) {
            INDArray x = TinyNetworks.randomPixels(batchSizes[s], s);
            INDArray y = labels.apply(batchSizes[s], (long) s);
            Nd4j.getRandom().setSeed(100 + s);
            dl4j.fit(x, y);
            Nd4j.getRandom().setSeed(100 + s);
            double loss = fast.fit(x, y);
            assertInstanceOf(step, fast.ownStep(), "the step taken");
            String at = " after step " + (s + 1);
            assertEquals(dl4j.score(), loss, 1e-5 + relative * Math.abs(dl4j.score()), "the loss" + at);
            // After a step the gradient view holds the update the updater made of the gradient.
            assertClose(dl4j.getFlattenedGradients(), inside.getFlattenedGradients(), absolute, relative, "the update" + at);
            assertClose(dl4j.params(), inside.params(), absolute, relative, "the weights" + at);
            INDArray state = dl4j.getUpdater().getStateViewArray();
            if (state != null) {
                assertClose(state, inside.getUpdater().getStateViewArray(), absolute, relative, "the optimizer's state" + at);
            }
            assertEquals(dl4j.getIterationCount(), inside.getIterationCount(), "iterations counted" + at);
        }
    }

    /** Initialises {@code net} and checks that one step on eight images is DL4J's own. */
    static void assertTakesDl4jsStep(MultiLayerNetwork net, INDArray labels) {
        net.init();
        LayeredNetwork wrapped = new LayeredNetwork(net);
        wrapped.fit(TinyNetworks.randomPixels((int) labels.size(0), 1), labels);
        assertNull(wrapped.ownStep(), net.getLayerWiseConfigurations().toJson());
        assertEquals(1, net.getIterationCount(), "DL4J's own step ran");
    }

    /** Each value within {@code absolute} plus {@code relative} of itself: float rounding, not more. */
    static void assertClose(INDArray expected, INDArray actual, float absolute, float relative, String what) {
        float[] e = expected.toFloatVector();
        float[] a = actual.toFloatVector();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            float allowed = absolute + relative * Math.abs(e[i]);
            if (!(Math.abs(e[i] - a[i]) <= allowed)) {
                throw new AssertionError(what + " differs at " + i + ": DL4J " + e[i] + ", own step " + a[i]);
            }
        }
    }
}
