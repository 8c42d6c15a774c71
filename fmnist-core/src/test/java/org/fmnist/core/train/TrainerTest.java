package org.fmnist.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
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
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.IdxFixtures;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.TinyNetworks;
import org.fmnist.core.spec.LearningRateSchedule;
import org.fmnist.core.spec.Optimizer;
import org.fmnist.core.spec.TrainingSpec;
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
        toy = IdxFixtures.toyData(600, 200, 3).load(dir);
    }

    private static Network smallNet(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return Network.of(net);
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

        List<EpochMetrics> history = new Trainer(List.of(recorder)).fit(smallNet(1), toy.train(), toy.test(), training(3, 50, 0), 5);

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
        List<EpochMetrics> a = new Trainer(List.of()).fit(smallNet(9), toy.train(), toy.test(), training(2, 32, 0), 11);
        List<EpochMetrics> b = new Trainer(List.of()).fit(smallNet(9), toy.train(), toy.test(), training(2, 32, 0), 11);
        List<EpochMetrics> c = new Trainer(List.of()).fit(smallNet(9), toy.train(), toy.test(), training(2, 32, 0), 12);

        assertEquals(a.get(1).trainLoss(), b.get(1).trainLoss());
        assertEquals(a.get(1).evalLoss(), b.get(1).evalLoss());
        assertNotEquals(a.get(1).trainLoss(), c.get(1).trainLoss());
    }

    static TrainingSpec training(int epochs, int batch, int patience) {
        return new TrainingSpec(epochs, batch, Optimizer.ADAM, 0.01, 1, 0, patience, LearningRateSchedule.CONSTANT, 5, 0.5, 0, 0, 0);
    }

    @Test
    void keepsTheBestValidationEpochAndStopsEarly() {
        // A learning rate far too high makes validation loss rise after the first epochs.
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).updater(new Adam(0.5)).weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        org.fmnist.core.data.Split validation = new org.fmnist.core.data.Split("validation", toy.test().pixels(), toy.test().labels());

        List<EpochMetrics> h = new Trainer(List.of()).fit(Network.of(net), toy.train(), validation, training(30, 50, 2), 1);

        int best = 0;
        for (int i = 1; i < h.size(); i++) {
            if (h.get(i).evalLoss() < h.get(best).evalLoss()) {
                best = i;
            }
        }
        assertTrue(h.size() < 30, "stopped early after " + h.size() + " epochs");
        assertEquals(h.size() - 1 - 2, best, "stopped two epochs after the best");
        assertEquals(h.get(best).epoch(), Trainer.bestEpoch(h), "the epoch a run reports as kept");
        double restored = org.fmnist.core.eval.Predictor.predict(Network.of(net), validation).loss();
        assertEquals(h.get(best).evalLoss(), restored, 1e-6, "the best epoch's weights are kept");
    }

    @Test
    void augmentationIsPreparedOffTheTrainingThreadAndStaysReproducible() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        org.fmnist.core.augment.Augmentation noisy = (pixels, offset, random) -> {
            threads.add(Thread.currentThread().getName());
            pixels[offset + random.nextInt(784)] = 1f;
        };
        List<EpochMetrics> a = new Trainer(List.of(), noisy).fit(smallNet(4), toy.train(), toy.test(), training(2, 32, 0), 8);
        List<EpochMetrics> b = new Trainer(List.of(), noisy).fit(smallNet(4), toy.train(), toy.test(), training(2, 32, 0), 8);
        List<EpochMetrics> plain = new Trainer(List.of()).fit(smallNet(4), toy.train(), toy.test(), training(2, 32, 0), 8);

        assertEquals(java.util.Set.of("fmnist-batches"), threads);
        assertEquals(a.get(1).trainLoss(), b.get(1).trainLoss());
        assertNotEquals(a.get(1).trainLoss(), plain.get(1).trainLoss(), "the augmentation reached the batches");
    }

    @Test
    void schedulesFollowTheirDefinitions() {
        TrainingSpec step = new TrainingSpec(10, 32, Optimizer.ADAM, 0.1, 1, 0, 0, LearningRateSchedule.STEP, 3, 0.5, 0, 0, 0);
        TrainingSpec cosine = new TrainingSpec(11, 32, Optimizer.ADAM, 0.1, 1, 0, 0, LearningRateSchedule.COSINE, 3, 0.5, 0, 0, 0);

        assertEquals(0.1, LearningRateSchedule.STEP.rate(step, 2), 1e-12);
        assertEquals(0.05, LearningRateSchedule.STEP.rate(step, 3), 1e-12);
        assertEquals(0.025, LearningRateSchedule.STEP.rate(step, 6), 1e-12);
        assertEquals(0.1, LearningRateSchedule.COSINE.rate(cosine, 0), 1e-12);
        assertEquals(0.001, LearningRateSchedule.COSINE.rate(cosine, 10), 1e-12);
        assertEquals(0.0505, LearningRateSchedule.COSINE.rate(cosine, 5), 1e-12);
    }

    @Test
    void theNetworkTrainsWithTheScheduledRate() {
        TrainingSpec step = new TrainingSpec(3, 50, Optimizer.ADAM, 0.01, 1, 0, 0, LearningRateSchedule.STEP, 1, 0.1, 0, 0, 0);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).updater(Optimizer.ADAM.updater(step)).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();

        List<EpochMetrics> h = new Trainer(List.of()).fit(Network.of(net), toy.train(), toy.test(), step, 1);

        assertEquals(3, net.getEpochCount());
        assertEquals(1e-4, h.get(2).learningRate(), 1e-12);
        assertEquals(1e-4, net.getLearningRate(0), 1e-12, "DL4J's own rate for the third epoch");
    }

    private static Network droppingNet(TrainingSpec t) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(21).updater(Optimizer.ADAM.updater(t)).weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().nOut(24).activation(Activation.RELU).dropOut(0.7).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784)).build());
        net.init();
        return Network.of(net);
    }

    @Test
    void aRunResumedFromItsCheckpointEndsExactlyLikeOneThatNeverStopped(@TempDir Path dir) throws IOException {
        ResumeCheck.assertResumedEqualsUninterrupted(dir.resolve("dense"), toy, TrainerTest::droppingNet);
    }

    @Test
    void soDoesACnn(@TempDir Path dir) throws IOException {
        // On DL4J's step here; fmnist-engine checks the same on its fused step (FusedCnnResumeTest).
        ResumeCheck.assertResumedEqualsUninterrupted(dir, toy, t -> TinyNetworks.droppingCnn(21, Optimizer.ADAM.updater(t)));
    }

    @Test
    void aGraphWithASkipConnectionTrainsAndTheSameSeedGivesTheSameLosses() {
        TrainingSpec t = training(2, 32, 0);
        List<EpochMetrics> a = new Trainer(List.of()).fit(TinyNetworks.residualGraph(9, new Adam(1e-2)), toy.train(), toy.test(), t, 11);
        List<EpochMetrics> b = new Trainer(List.of()).fit(TinyNetworks.residualGraph(9, new Adam(1e-2)), toy.train(), toy.test(), t, 11);
        List<EpochMetrics> c = new Trainer(List.of()).fit(TinyNetworks.residualGraph(9, new Adam(1e-2)), toy.train(), toy.test(), t, 12);

        assertEquals(a.get(0).trainLoss(), b.get(0).trainLoss());
        assertEquals(a.get(1).trainLoss(), b.get(1).trainLoss());
        assertEquals(a.get(1).evalLoss(), b.get(1).evalLoss());
        assertNotEquals(a.get(1).trainLoss(), c.get(1).trainLoss());
        assertTrue(a.get(1).trainLoss() < a.get(0).trainLoss(), a.toString());
        assertTrue(a.get(1).evalAccuracy() > 0.9, a.toString());
    }

    @Test
    void aGraphResumedFromItsCheckpointEndsExactlyLikeOneThatNeverStopped(@TempDir Path dir) throws IOException {
        // As for the multi-layer network above, with dropout, batch-norm statistics and a skip connection in a graph.
        TrainingSpec t = new TrainingSpec(3, 32, Optimizer.ADAM, 0.01, 1, 0.2, 0, LearningRateSchedule.STEP, 1, 0.5, 0, 0, 0);
        org.fmnist.core.data.Split validation = toy.train().select("validation", java.util.stream.IntStream.range(0, 100).toArray());
        org.fmnist.core.data.Split train = toy.train().select("train", java.util.stream.IntStream.range(100, 600).toArray());
        Network whole = TinyNetworks.residualGraph(21, Optimizer.ADAM.updater(t));
        List<EpochMetrics> uninterrupted = new Trainer(List.of()).fit(whole, train, validation, t, 5);

        TrainingSpec firstOne = new TrainingSpec(1, 32, Optimizer.ADAM, 0.01, 1, 0.2, 0, LearningRateSchedule.STEP, 1, 0.5, 0, 0, 0);
        new Trainer(List.of(new EpochCheckpoint(dir))).fit(TinyNetworks.residualGraph(21, Optimizer.ADAM.updater(t)), train,
                validation, firstOne, 5);
        assertEquals(Optional.of(1), EpochCheckpoint.latestEpoch(dir));
        Network fresh = TinyNetworks.residualGraph(21, Optimizer.ADAM.updater(t));
        TrainingState saved = EpochCheckpoint.restore(dir, fresh).orElseThrow();
        List<EpochMetrics> resumed = new Trainer(List.of()).fit(fresh, train, validation, t, 5, saved);

        assertEquals(uninterrupted, ResumeCheck.withoutTimes(resumed, uninterrupted));
        assertEquals(whole.params(), fresh.params(), "the same weights were kept");
        assertEquals(3, fresh.epochCount());
        assertTrue(uninterrupted.get(1).trainLoss() != uninterrupted.get(2).trainLoss());
    }

    @Test
    void aCheckpointFromAnotherModelIsRefused(@TempDir Path dir) {
        TrainingSpec t = training(1, 50, 0);
        new Trainer(List.of(new EpochCheckpoint(dir))).fit(smallNet(1), toy.train(), toy.test(), t, 5);

        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> EpochCheckpoint.restore(dir, droppingNet(t)));
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
    }

    /** {@code resumed}, with the wall-clock fields of {@code reference}, the only ones allowed to differ. */
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
