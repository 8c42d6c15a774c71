package org.fmnist.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Path;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.TinyNetworks;
import org.fmnist.core.spec.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** The Java loop against DL4J's {@code adam_updater}, bit for bit. */
class JavaLoopAdamTest {
    private static final int N = 1000;

    @TempDir
    Path dir;

    /** A rate that changes every iteration, so that the loop must ask for it each step. */
    private static IUpdater scheduled(IUpdater updater) {
        updater.setLrAndSchedule(1e-3, new ExponentialSchedule(ScheduleType.ITERATION, 1e-3, 0.999));
        return updater;
    }

    /**
     * 5,000 steps at a constant rate: at iteration 3,605 the step differs if β<sup>t</sup> comes from
     * Java's {@code Math.pow} (found by scanning the first 100,000 iterations; it is the only one).
     */
    @Test
    void itsUpdatesAndMomentsAreDl4jsToTheBit() {
        assertSameSteps(new Adam(1e-3, 0.9, 0.999, 1e-7), new JavaLoopAdam(1e-3, 0.9, 0.999, 1e-7), 5000);
    }

    @Test
    void itFollowsTheLearningRateSchedule() {
        assertSameSteps(scheduled(new Adam(1e-3, 0.9, 0.999, 1e-7)), scheduled(new JavaLoopAdam(1e-3, 0.9, 0.999, 1e-7)), 300);
    }

    private static void assertSameSteps(IUpdater dl4j, IUpdater loop, int steps) {
        // State views at an offset inside a larger array, as DL4J's flattened updater state is.
        INDArray dl4jState = Nd4j.zeros(DataType.FLOAT, 1, 2 * N + 7).get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(7, 2 * N + 7));
        INDArray loopState = Nd4j.zeros(DataType.FLOAT, 1, 2 * N + 7).get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(7, 2 * N + 7));
        GradientUpdater<?> reference = dl4j.instantiate(dl4jState, true);
        GradientUpdater<?> fast = loop.instantiate(loopState, true);

        Nd4j.getRandom().setSeed(5);
        for (int iteration = 0; iteration < steps; iteration++) {
            INDArray gradient = Nd4j.randn(DataType.FLOAT, 1, N).muli(iteration % 7 == 0 ? 100 : 0.01);
            gradient.putScalar(0, 0, 0f);   // a weight without gradient
            INDArray byDl4j = gradient.dup();
            INDArray byLoop = Nd4j.zeros(DataType.FLOAT, 1, N + 3).get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(3, N + 3));
            byLoop.assign(gradient);

            reference.applyUpdater(byDl4j, iteration, 0);
            fast.applyUpdater(byLoop, iteration, 0);

            assertArrayEquals(byDl4j.toFloatVector(), byLoop.toFloatVector(), 0f, "update at iteration " + iteration);
        }
        assertArrayEquals(dl4jState.toFloatVector(), loopState.toFloatVector(), 0f, "first and second moments");
    }

    @Test
    void aNetworkTrainsAsWithDl4jsAdamAndSavesAndResumesWithIt() throws IOException {
        Network withDl4j = TinyNetworks.layered(3, new Adam(1e-2, 0.9, 0.999, 1e-7));
        Network withLoop = TinyNetworks.layered(3, Optimizer.ADAM.updater(1e-2));
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 10);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        for (int step = 0; step < 20; step++) {
            withDl4j.fit(x, y);
            withLoop.fit(x, y);
        }
        assertArrayEquals(withDl4j.params().toFloatVector(), withLoop.params().toFloatVector(), 0f, "weights after 20 steps");

        Path file = dir.resolve("checkpoint.zip");
        withLoop.save(file, true);
        Network resumed = Network.restore(file, true);
        resumed.fit(x, y);
        withDl4j.fit(x, y);
        assertInstanceOf(JavaLoopAdam.class, ((org.deeplearning4j.nn.conf.layers.BaseLayer) resumed.layers().get(0).conf().getLayer()).getIUpdater());
        assertArrayEquals(withDl4j.params().toFloatVector(), resumed.params().toFloatVector(), 0f,
                "a step after resuming: the moments came back with the weights");
    }
}
