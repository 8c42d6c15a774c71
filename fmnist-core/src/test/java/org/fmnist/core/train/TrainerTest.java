package org.fmnist.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.IdxFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class TrainerTest {
    private static FashionMnist toy;

    @BeforeAll
    static void toyData(@TempDir Path dir) throws IOException {
        IdxFixtures.ToyData files = IdxFixtures.toyData(600, 200, 3);
        files.writeTo(dir, true);
        toy = new DataLocator(List.of(new DataLocator.Place("test", dir)), dir.resolve("cache"), Optional.empty(),
                files.manifest(), Duration.ofSeconds(1)).load();
    }

    private static MultiLayerNetwork smallNet(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return net;
    }

    @Test
    void learnsALearnableProblemAndReportsEveryEpoch() {
        List<String> events = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onTrainingStart(TrainingPlan plan) {
                events.add("start " + plan.epochs() + "x" + plan.batchesPerEpoch());
            }

            @Override
            public void onBatchEnd(int epoch, int batch, int batches, double loss) {
                if (batch == batches) {
                    events.add("last batch of " + epoch);
                }
            }

            @Override
            public void onEpochEnd(EpochMetrics m) {
                events.add("end " + m.epoch());
            }
        };

        List<EpochMetrics> history = new Trainer(List.of(recorder)).fit(smallNet(1), toy.train(), toy.test(), 3, 50, 5);

        assertEquals(List.of("start 3x12", "last batch of 1", "end 1", "last batch of 2", "end 2", "last batch of 3", "end 3"),
                events);
        assertEquals(3, history.size());
        assertTrue(history.get(2).trainLoss() < history.get(0).trainLoss(), history.toString());
        assertTrue(history.get(2).evalAccuracy() > 0.9, history.toString());
        assertEquals("test", history.get(0).evalSplit());
        assertTrue(history.get(0).samplesPerSecond() > 0);
    }

    @Test
    void theSameSeedGivesTheSameLosses() {
        List<EpochMetrics> a = new Trainer(List.of()).fit(smallNet(9), toy.train(), toy.test(), 2, 32, 11);
        List<EpochMetrics> b = new Trainer(List.of()).fit(smallNet(9), toy.train(), toy.test(), 2, 32, 11);
        List<EpochMetrics> c = new Trainer(List.of()).fit(smallNet(9), toy.train(), toy.test(), 2, 32, 12);

        assertEquals(a.get(1).trainLoss(), b.get(1).trainLoss());
        assertEquals(a.get(1).evalLoss(), b.get(1).evalLoss());
        assertNotEquals(a.get(1).trainLoss(), c.get(1).trainLoss());
    }

    @Test
    void permutationIsAShuffleOfEveryIndex() {
        int[] p = Trainer.permutation(1000, new Random(1));
        int[] sorted = p.clone();
        Arrays.sort(sorted);

        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertTrue(Arrays.mismatch(p, sorted) >= 0, "not left in order");
        assertNotEquals(Arrays.toString(p), Arrays.toString(Trainer.permutation(1000, new Random(2))));
    }

    @Test
    void epochsAreShuffledDifferently() {
        assertNotEquals(Trainer.epochSeed(1, 1), Trainer.epochSeed(1, 2));
        assertNotEquals(Trainer.epochSeed(1, 2), Trainer.epochSeed(2, 1));
    }
}
