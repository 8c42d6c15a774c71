package org.fmnist.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.IdxFixtures;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.TinyNetworks;
import org.fmnist.core.spec.LearningRateSchedule;
import org.fmnist.core.spec.Optimizer;
import org.fmnist.core.spec.TrainingSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The training keys warmup_epochs, label_smoothing and weight_decay. */
class TrainingToolsTest {
    private static FashionMnist toy;

    @BeforeAll
    static void toyData(@TempDir Path dir) throws IOException {
        toy = IdxFixtures.toyData(600, 200, 3).load(dir);
    }

    private static TrainingSpec training(int epochs, LearningRateSchedule schedule, int warmup, double smoothing) {
        return new TrainingSpec(epochs, 50, Optimizer.ADAM, 0.01, 1, 0, 0, schedule, 2, 0.5, warmup, smoothing, 0);
    }

    @Test
    void warmUpClimbsInEqualStepsThenTheScheduleRunsOverTheEpochsLeft() {
        TrainingSpec cosine = training(7, LearningRateSchedule.COSINE, 2, 0);
        TrainingSpec constant = training(7, LearningRateSchedule.CONSTANT, 3, 0);
        TrainingSpec step = training(7, LearningRateSchedule.STEP, 1, 0);

        assertEquals(0.01 / 3, LearningRateSchedule.COSINE.rate(cosine, 0), 1e-12);
        assertEquals(0.02 / 3, LearningRateSchedule.COSINE.rate(cosine, 1), 1e-12);
        assertEquals(0.01, LearningRateSchedule.COSINE.rate(cosine, 2), 1e-12, "the cosine starts after the warm-up");
        assertEquals(0.0001, LearningRateSchedule.COSINE.rate(cosine, 6), 1e-12, "and still ends at 1% on the last epoch");
        assertEquals(0.0025, LearningRateSchedule.CONSTANT.rate(constant, 0), 1e-12);
        assertEquals(0.01, LearningRateSchedule.CONSTANT.rate(constant, 3), 1e-12);
        assertEquals(0.01, LearningRateSchedule.STEP.rate(step, 2), 1e-12, "the step count starts after the warm-up");
        assertEquals(0.005, LearningRateSchedule.STEP.rate(step, 3), 1e-12);
        assertTrue(LearningRateSchedule.CONSTANT.schedule(constant) != null, "a constant rate with warm-up needs a schedule");
    }

    @Test
    void theNetworkTrainsAtTheWarmUpRate() {
        TrainingSpec warmingUp = training(3, LearningRateSchedule.CONSTANT, 2, 0);
        // The rate reaches the network through the updater the spec makes, as in a run.
        List<EpochMetrics> h = new Trainer(List.of()).fit(TinyNetworks.layered(1, Optimizer.ADAM.updater(warmingUp)),
                toy.train(), toy.test(), warmingUp, 1);
        Network reference = TinyNetworks.layered(1, new Adam(0.01 / 3));
        List<EpochMetrics> atAThird = new Trainer(List.of()).fit(reference, toy.train(), toy.test(),
                training(1, LearningRateSchedule.CONSTANT, 0, 0), 1);

        assertEquals(0.01 / 3, h.get(0).learningRate(), 1e-12);
        assertEquals(atAThird.get(0).trainLoss(), h.get(0).trainLoss(), 1e-5,
                "the first epoch trained as a network whose rate is a third");
    }

    @Test
    void smoothedLabelsKeepTheModelFromCertainty() {
        Network plain = TinyNetworks.layered(2, new Adam(0.01));
        Network smoothed = TinyNetworks.layered(2, new Adam(0.01));
        new Trainer(List.of()).fit(plain, toy.train(), toy.test(), training(12, LearningRateSchedule.CONSTANT, 0, 0), 3);
        new Trainer(List.of()).fit(smoothed, toy.train(), toy.test(), training(12, LearningRateSchedule.CONSTANT, 0, 0.4), 3);

        // With 40% of each label spread over ten classes, the loss is lowest at 0.64 on the true class.
        double plainConfidence = meanTopProbability(Predictor.predict(plain, toy.train()));
        double smoothedConfidence = meanTopProbability(Predictor.predict(smoothed, toy.train()));
        assertTrue(plainConfidence > 0.9, "one-hot labels: " + plainConfidence);
        assertTrue(smoothedConfidence < 0.72, "smoothed labels: " + smoothedConfidence);
        double accuracy = Predictor.predict(smoothed, toy.test()).accuracy();
        assertTrue(accuracy >= 0.85, "and it still learns the classes: " + accuracy);
    }

    private static double meanTopProbability(Predictions p) {
        double sum = 0;
        for (int i = 0; i < p.size(); i++) {
            sum += p.probability(i, p.predicted()[i]);
        }
        return sum / p.size();
    }

    @Test
    void weightDecayShrinksWeightsByRateTimesCoefficientApartFromTheOptimizerStep() {
        Network plain = TinyNetworks.layered(4, new Adam(0.01));
        Network decayed = TinyNetworks.layered(4, new Adam(0.01));
        DecoupledWeightDecay.attach(decayed, 0.5);
        INDArray before = decayed.layers().get(0).getParam("W").dup();
        INDArray biasBefore = decayed.layers().get(0).getParam("b").dup();
        Split batch = toy.train().head(50);
        try (INDArray features = Nd4j.create(batch.pixels(), new long[] {50, 784}, DataType.FLOAT);
             INDArray labels = Nd4j.zeros(DataType.FLOAT, 50, 10)) {
            for (int i = 0; i < 50; i++) {
                labels.putScalar(i, batch.labels()[i], 1f);
            }
            plain.fit(features, labels);
            decayed.fit(features, labels);
        }

        INDArray expected = plain.layers().get(0).getParam("W").sub(before.mul(0.01 * 0.5));
        assertTrue(expected.equalsWithEps(decayed.layers().get(0).getParam("W"), 1e-6),
                "weights: the plain step, less 0.5% of the weights before it");
        assertArrayEquals(plain.layers().get(0).getParam("b").toFloatVector(),
                decayed.layers().get(0).getParam("b").toFloatVector(), 1e-7f, "biases are not decayed");
        assertTrue(!biasBefore.equals(decayed.layers().get(0).getParam("b")), "the biases did take a step");
    }

    /** Only weights are decayed, in a graph too; DL4J itself never regularizes batch-norm parameters. */
    @Test
    void onlyWeightsAreDecayed() {
        Network graph = TinyNetworks.residualGraph(5, new Adam(0.01));
        DecoupledWeightDecay.attach(graph, 0.1);

        for (Layer layer : graph.layers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            boolean norm = conf instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization;
            for (String param : layer.paramTable().keySet()) {
                List<?> regularization = conf.getRegularizationByParam(param);
                boolean decayedParam = regularization != null && !regularization.isEmpty();
                assertEquals(!norm && param.equals("W"), decayedParam, conf.getLayerName() + " " + param);
            }
        }
    }
}
