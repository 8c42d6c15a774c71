package org.fmnist.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.NativeSplit;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.model.NativeRows;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.TrainingSpec;
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
    private final Augmentation augmentation;

    public Trainer(List<TrainingListener> listeners) {
        this(listeners, Augmentation.none());
    }

    /** @param augmentation applied to every training image of every batch, never to evaluated ones */
    public Trainer(List<TrainingListener> listeners, Augmentation augmentation) {
        this.listeners = List.copyOf(listeners);
        this.augmentation = augmentation;
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
    public List<EpochMetrics> fit(Network net, Split train, Split eval, TrainingSpec t, long seed) {
        return fit(net, train, eval, t, seed, TrainingState.initial());
    }

    /**
     * Like {@link #fit(Network, Split, Split, TrainingSpec, long)}, continuing from
     * {@code from}: {@code net} must hold the weights and optimizer state saved with it (see
     * {@link EpochCheckpoint}).
     *
     * @return the metrics of every epoch, those in {@code from} included
     */
    public List<EpochMetrics> fit(Network net, Split train, Split eval, TrainingSpec t, long seed,
                                  TrainingState from) {
        return fit(net, train, eval, t, seed, from, t.epochs());
    }

    /**
     * Like {@link #fit(Network, Split, Split, TrainingSpec, long, TrainingState)}, stopping after epoch
     * {@code until} of {@code t.epochs()}: every epoch is the one an uninterrupted run trains (its
     * learning rate follows the whole schedule), so training on from the last checkpoint later gives the
     * same numbers.
     */
    public List<EpochMetrics> fit(Network net, Split train, Split eval, TrainingSpec t, long seed,
                                  TrainingState from, int until) {
        int epochs = t.epochs();
        int last = Math.min(until, epochs);
        int batchSize = t.batchSize();
        boolean validating = eval.name().equals("validation");
        int batches = (train.size() + batchSize - 1) / batchSize;
        float smoothing = (float) t.labelSmoothing();
        listeners.forEach(l -> l.onTrainingStart(new TrainingPlan(epochs, batches, train.size(), eval.name(), eval.size(),
                from.epochsDone())));
        Split trainSample = train.select("train-sample", sampleIndices(train.size(), seed));
        TrainingState state = from;
        ExecutorService preparer = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "fmnist-batches");
            thread.setDaemon(true);
            return thread;
        });
        // The images scored after every epoch are copied into native memory once, for all epochs.
        try (NativeRows features = new NativeRows(IdxFile.PIXELS); NativeRows labels = new NativeRows(FashionClass.COUNT);
             NativeSplit sampleRows = NativeSplit.of(trainSample); NativeSplit evalRows = NativeSplit.of(eval)) {
            for (int epoch = from.epochsDone() + 1; epoch <= last && !stopsEarly(state, t); epoch++) {
                double learningRate = t.lrSchedule().rate(t, epoch - 1);
                long epochSeed = epochSeed(seed, epoch);
                int[] order = permutation(train.size(), new Random(epochSeed));
                // Dropout draws from ND4J's generator; seeding it per epoch makes a resumed epoch equal an uninterrupted one.
                Nd4j.getRandom().setSeed(epochSeed);
                long start = System.nanoTime();
                double lossSum = 0;
                // One batch is prepared (copied, augmented) on another thread while the previous one trains.
                Future<Batch> next = preparer.submit(() -> batch(train, order, 0, batchSize, epochSeed, smoothing));
                for (int b = 0; b < batches; b++) {
                    Batch current = await(next);
                    if (b + 1 < batches) {
                        int nextBatch = b + 1;
                        next = preparer.submit(() -> batch(train, order, nextBatch, batchSize, epochSeed, smoothing));
                    }
                    double loss = net.fit(features.holding(current.pixels(), current.size()),
                            labels.holding(current.oneHot(), current.size()));
                    lossSum += loss * current.size();
                    for (TrainingListener l : listeners) {
                        l.onBatchEnd(epoch, b + 1, batches, loss);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                // fit(features, labels) does not count epochs; epoch-based learning-rate schedules need it.
                net.incrementEpochCount();
                Predictions onSample = Predictor.predict(net, sampleRows);
                Predictions onEval = Predictor.predict(net, evalRows);
                EpochMetrics metrics = new EpochMetrics(epoch, lossSum / train.size(), onSample.accuracy(), eval.name(),
                        onEval.loss(), onEval.accuracy(), seconds, train.size() / seconds, learningRate);
                state = next(state, metrics, net, validating);
                TrainingState reached = state;
                listeners.forEach(l -> l.onEpochState(net, reached));
                listeners.forEach(l -> l.onEpochEnd(metrics));
            }
        } finally {
            preparer.shutdownNow();
        }
        if (state.bestParams() != null) {
            net.setParams(state.bestParams());
        }
        return state.history();
    }

    private static TrainingState next(TrainingState state, EpochMetrics metrics, Network net, boolean validating) {
        List<EpochMetrics> history = new ArrayList<>(state.history());
        history.add(metrics);
        if (validating && metrics.evalLoss() < state.bestLoss()) {
            return new TrainingState(history, net.params().dup(), metrics.evalLoss(), 0);
        }
        return new TrainingState(history, state.bestParams(), state.bestLoss(), validating ? state.sinceBest() + 1 : 0);
    }

    private static boolean stopsEarly(TrainingState state, TrainingSpec t) {
        return t.earlyStoppingPatience() > 0 && state.sinceBest() >= t.earlyStoppingPatience();
    }

    /**
     * The epoch whose weights {@link #fit} keeps when it validates: the first with the lowest
     * validation loss.
     */
    public static int bestEpoch(List<EpochMetrics> history) {
        EpochMetrics best = history.get(0);
        for (EpochMetrics m : history) {
            if (m.evalLoss() < best.evalLoss()) {
                best = m;
            }
        }
        return best.epoch();
    }

    /** A batch ready for the network: images in a row, one-hot (or smoothed) labels. */
    private record Batch(float[] pixels, float[] oneHot, int size) {}

    /**
     * Batch {@code b} of the epoch: images {@code order[b*batchSize ..]}, augmented with a generator
     * seeded by the epoch and the batch, so the result does not depend on which thread prepares it.
     * With label smoothing {@code s}, each label is {@code s/10} on every class plus {@code 1-s} on the
     * true one. The loss reported for training is then measured against these softened labels.
     */
    private Batch batch(Split train, int[] order, int b, int batchSize, long epochSeed, float smoothing) {
        int from = b * batchSize;
        int size = Math.min(batchSize, train.size() - from);
        float[] pixels = new float[size * IdxFile.PIXELS];
        float[] oneHot = new float[size * FashionClass.COUNT];
        if (smoothing > 0) {
            java.util.Arrays.fill(oneHot, smoothing / FashionClass.COUNT);
        }
        Random random = new Random(epochSeed * 31 + b);
        for (int i = 0; i < size; i++) {
            int image = order[from + i];
            System.arraycopy(train.pixels(), image * IdxFile.PIXELS, pixels, i * IdxFile.PIXELS, IdxFile.PIXELS);
            augmentation.apply(pixels, i * IdxFile.PIXELS, random);
            oneHot[i * FashionClass.COUNT + train.labels()[image]] += 1f - smoothing;
        }
        return new Batch(pixels, oneHot, size);
    }

    private static Batch await(Future<Batch> batch) {
        try {
            return batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a batch", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
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
