package org.fmnist.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.spec.TrainingSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batch training: each epoch shuffles the training images with a generator seeded from the
 * spec's seed and the epoch number (so an epoch's order does not depend on earlier epochs), takes a
 * gradient step per batch, then measures the training sample and the evaluation split.
 */
public final class Trainer {
    /** Training images measured for {@link EpochMetrics#trainAccuracy()}: enough for ±0.3% at 88%. */
    public static final int TRAIN_SAMPLE = 10_000;

    private final List<TrainingListener> listeners;

    public Trainer(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Trains {@code net} in place for {@code t.epochs()} epochs at most. When {@code eval} is a
     * validation split, the weights of the epoch with the lowest validation loss are restored at the
     * end, and with {@code t.earlyStoppingPatience() > 0} training stops once that many epochs pass
     * without a new lowest loss. The test set is never used to choose: with it as {@code eval}, the
     * last epoch's weights are kept.
     *
     * @param eval split measured after each epoch (validation, or test when none is held out)
     * @return the metrics of each epoch trained
     */
    public List<EpochMetrics> fit(MultiLayerNetwork net, Split train, Split eval, TrainingSpec t, long seed) {
        int epochs = t.epochs();
        int batchSize = t.batchSize();
        boolean validating = eval.name().equals("validation");
        int batches = (train.size() + batchSize - 1) / batchSize;
        listeners.forEach(l -> l.onTrainingStart(new TrainingPlan(epochs, batches, train.size(), eval.name(), eval.size())));
        Split trainSample = train.select("train-sample", sampleIndices(train.size(), seed));
        List<EpochMetrics> history = new ArrayList<>();
        INDArray bestParams = null;
        double bestLoss = Double.MAX_VALUE;
        int sinceBest = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double learningRate = t.lrSchedule().rate(t, epoch - 1);
            int[] order = permutation(train.size(), new Random(epochSeed(seed, epoch)));
            long start = System.nanoTime();
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batchSize;
                int size = Math.min(batchSize, train.size() - from);
                double loss = step(net, train, order, from, size);
                lossSum += loss * size;
                for (TrainingListener l : listeners) {
                    l.onBatchEnd(epoch, b + 1, batches, loss);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // fit(features, labels) does not count epochs; epoch-based learning-rate schedules need it.
            net.incrementEpochCount();
            Predictions onSample = Predictor.predict(net, trainSample);
            Predictions onEval = Predictor.predict(net, eval);
            EpochMetrics metrics = new EpochMetrics(epoch, lossSum / train.size(), onSample.accuracy(), eval.name(),
                    onEval.loss(), onEval.accuracy(), seconds, train.size() / seconds, learningRate);
            history.add(metrics);
            listeners.forEach(l -> l.onEpochEnd(metrics));
            if (validating) {
                if (onEval.loss() < bestLoss) {
                    bestLoss = onEval.loss();
                    bestParams = net.params().dup();
                    sinceBest = 0;
                } else if (t.earlyStoppingPatience() > 0 && ++sinceBest >= t.earlyStoppingPatience()) {
                    break;
                }
            }
        }
        if (bestParams != null) {
            net.setParams(bestParams);
        }
        return history;
    }

    /** One gradient step on images {@code order[from .. from+size)}; returns the batch's loss. */
    private static double step(MultiLayerNetwork net, Split train, int[] order, int from, int size) {
        float[] pixels = new float[size * IdxFile.PIXELS];
        float[] oneHot = new float[size * FashionClass.COUNT];
        for (int i = 0; i < size; i++) {
            int image = order[from + i];
            System.arraycopy(train.pixels(), image * IdxFile.PIXELS, pixels, i * IdxFile.PIXELS, IdxFile.PIXELS);
            oneHot[i * FashionClass.COUNT + train.labels()[image]] = 1f;
        }
        try (INDArray features = Nd4j.create(pixels, new long[] {size, IdxFile.PIXELS}, DataType.FLOAT);
             INDArray labels = Nd4j.create(oneHot, new long[] {size, FashionClass.COUNT}, DataType.FLOAT)) {
            net.fit(features, labels);
            return net.score();
        }
    }

    /** A seed for epoch {@code epoch} that differs between epochs and between experiment seeds. */
    static long epochSeed(long seed, int epoch) {
        return seed * 0x9E3779B97F4A7C15L + epoch;
    }

    /** Fisher–Yates shuffle of 0..n-1. */
    public static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static int[] sampleIndices(int n, long seed) {
        int[] order = permutation(n, new Random(seed));
        return java.util.Arrays.copyOf(order, Math.min(n, TRAIN_SAMPLE));
    }
}
