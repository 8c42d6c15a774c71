package org.fmnist.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class NetworkTest {

    /** Random images and one-hot labels. */
    private static INDArray[] batch(int size) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, size, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, size, 10);
        for (int i = 0; i < size; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        return new INDArray[] {x, y};
    }

    /** A few steps first, so weights, Adam's moments, batch-norm statistics and counters all differ from new. */
    private static Network trained(Network net) {
        INDArray[] b = batch(32);
        for (int i = 0; i < 3; i++) {
            assertTrue(Double.isFinite(net.fit(b[0], b[1])));
        }
        net.incrementEpochCount();
        return net;
    }

    private static void assertRoundTrip(Network saved, Class<?> kind, Path dir) throws IOException {
        Path zip = dir.resolve("model.zip");
        saved.save(zip, true);

        Network restored = Network.restore(zip, true);

        assertInstanceOf(kind, restored.model());
        INDArray x = batch(16)[0];
        assertEquals(saved.output(x), restored.output(x), "identical outputs");
        assertEquals(saved.params(), restored.params());
        assertNotNull(restored.updaterState());
        assertEquals(saved.updaterState(), restored.updaterState(), "the optimizer state, to train on");
        assertEquals(3, restored.iterationCount());
        assertEquals(1, restored.epochCount());
        assertEquals(saved.numParams(), restored.numParams());
    }

    @Test
    void aMultiLayerNetworkSavesAndRestoresWithIdenticalOutputs(@TempDir Path dir) throws IOException {
        assertRoundTrip(trained(TinyNetworks.layered(1, new Adam(1e-2))), MultiLayerNetwork.class, dir);
    }

    @Test
    void aComputationGraphSavesAndRestoresWithIdenticalOutputs(@TempDir Path dir) throws IOException {
        assertRoundTrip(trained(TinyNetworks.residualGraph(1, new Adam(1e-2))), ComputationGraph.class, dir);
    }

    @Test
    void aGraphGivesItsSingleOutputAsAProbabilityDistribution() {
        Network graph = TinyNetworks.residualGraph(2, new Adam(1e-2));

        INDArray out = graph.output(batch(4)[0]);

        assertEquals(4, out.rows());
        assertEquals(10, out.columns());
        for (float s : out.sum(1).toFloatVector()) {
            assertEquals(1f, s, FloatRounding.probabilitiesSumBound(10));
        }
        assertEquals(5, graph.layers().size(), "first, second, norm, relu, out: the add vertex holds no layer");
    }

    @Test
    void setCountsReachesTheCountersSchedulesRead() {
        Network layered = TinyNetworks.layered(1, new Adam(1e-2));
        Network graph = TinyNetworks.residualGraph(1, new Adam(1e-2));

        layered.setCounts(40, 3);
        graph.setCounts(40, 3);

        assertEquals(3, ((MultiLayerNetwork) layered.model()).getLayerWiseConfigurations().getEpochCount());
        assertEquals(40, ((ComputationGraph) graph.model()).getConfiguration().getIterationCount());
        assertEquals(3, ((ComputationGraph) graph.model()).getConfiguration().getEpochCount());
        graph.incrementEpochCount();
        assertEquals(4, graph.epochCount());
        assertEquals(40, graph.iterationCount());
    }

    @Test
    void aZipThatIsNoModelIsRefused(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("other.zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write("not a network".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        IOException e = assertThrows(IOException.class, () -> Network.restore(zip, false));
        assertTrue(e.getMessage().contains("not a DL4J model"), e.getMessage());
    }
}
