package org.fmnist.runner.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.models.DeepCnn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

@Tag("twin")
class InferenceNetworkTest {
    @TempDir
    Path dir;

    @Test
    void aSavedCnnIsScoredOnTheOneDnnPathWithTheSameOutputs() throws Exception {
        Network trained = new DeepCnn().create(new DeepCnn.Parameters(8, 16, 0.0, 0.0, true), new ModelContext(3, new Adam(1e-3)));
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 10);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        trained.fit(x, y); // batch-norm statistics away from their starting values
        Path zip = dir.resolve("model.zip");
        trained.save(zip, false);

        Network plain = Network.restore(zip, false);
        Network fast = InferenceNetwork.load(zip);

        assertTrue(plain.layers().stream().allMatch(l -> l.getHelper() == null), "DL4J restores no helper by itself");
        assertEquals(6, fast.layers().stream().filter(l -> l.getHelper() instanceof MKLDNNConvHelper).count());
        assertEquals(6, fast.layers().stream().filter(l -> l.getHelper() instanceof MKLDNNBatchNormHelper).count());
        FloatRounding.assertWithin(plain.output(x), fast.output(x), NetworkRounding.outputBound(plain.model(), x).mul(2),
                "the probabilities");
    }
}
