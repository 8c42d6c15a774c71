package org.fmnist.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.core.model.TinyNetworks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

@Tag("twin")
class PredictorTest {

    /** {@code n} images of random pixels with labels 0..9 in turn. */
    private static Split split(int n) {
        Random random = new Random(4);
        float[] pixels = new float[n * IdxFile.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> i % FashionClass.COUNT);
        return new Split("random", pixels, labels);
    }

    /**
     * {@code predicted} holds the network's own output for images {@code from} to {@code to}, all at once,
     * row after row, up to what float rounding allows (the predictor scores through the network's faster
     * inference path, {@link NetworkRounding}).
     */
    private static void assertSameOutputs(Network net, Split split, int from, int to, Predictions predicted) {
        float[] pixels = Arrays.copyOfRange(split.pixels(), from * IdxFile.PIXELS, to * IdxFile.PIXELS);
        INDArray all = Nd4j.create(pixels, new long[] {to - from, IdxFile.PIXELS}, DataType.FLOAT);
        FloatRounding.assertWithin(net.output(all), Nd4j.createFromArray(predicted.probabilities()).reshape(to - from, FashionClass.COUNT),
                NetworkRounding.outputBound(net.model(), all).mul(2), "the probabilities of images " + from + " to " + to);
    }

    @Test
    void batchedPredictionsAreTheNetworksOutputsInOrderAcrossFullAndPartialBatches() {
        Network net = TinyNetworks.layered(3, new Adam(1e-3));
        Split split = split(2 * Predictor.BATCH + 345);

        assertSameOutputs(net, split, 0, split.size(), Predictor.predict(net, split));
        // A range that starts inside a batch and ends in a partial one.
        int from = 17;
        int to = Predictor.BATCH + 400;
        Predictions part = Predictor.predict(net, split, from, to);
        assertSameOutputs(net, split, from, to, part);
        assertArrayEquals(Arrays.copyOfRange(split.labels(), from, to), part.labels());
    }

    @Test
    void aSplitInNativeMemoryPredictsWhatTheSplitDoesPassAfterPass() {
        Network net = TinyNetworks.layered(3, new Adam(1e-3));
        Split split = split(2 * Predictor.BATCH + 345);
        Predictions fromHeap = Predictor.predict(net, split);
        try (NativeSplit rows = NativeSplit.of(split)) {
            for (int pass = 0; pass < 2; pass++) {
                Predictions fromNative = Predictor.predict(net, rows);
                // The same batches through the same inference path: the same arithmetic.
                assertArrayEquals(fromHeap.probabilities(), fromNative.probabilities(), "pass " + pass);
                assertArrayEquals(split.labels(), fromNative.labels());
            }
        }
    }
}
