package org.fmnist.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.NativeRows;
import org.fmnist.core.model.Network;

/** Runs a network over a split in inference mode (no dropout), in batches. */
public final class Predictor {
    /** Large enough to amortise per-call overhead, small enough to keep memory flat. */
    public static final int BATCH = 1_000;

    private Predictor() {}

    public static Predictions predict(Network net, Split split) {
        return predict(net, split, 0, split.size());
    }

    /**
     * Predictions averaged over {@code split} as it is and each view of it that {@code views} stand for
     * (one for 'flip', four for 'shift'), all weighted alike; with no views, the plain predictions.
     */
    public static Predictions predict(Network net, Split split, List<TestTimeAugmentation> views) {
        return withViews(net, split, predict(net, split), views);
    }

    /**
     * {@code plain}, the predictions already made for {@code split} as it is, averaged with those for
     * each of {@code views} of it (a view named twice counts once); {@code plain} itself when there are
     * no views.
     */
    public static Predictions withViews(Network net, Split split, Predictions plain, List<TestTimeAugmentation> views) {
        if (views.isEmpty()) {
            return plain;
        }
        List<Predictions> sets = new ArrayList<>(List.of(plain));
        for (TestTimeAugmentation augmentation : views.stream().distinct().toList()) {
            for (Split view : augmentation.views(split)) {
                sets.add(predict(net, view));
            }
        }
        return Predictions.mean(sets);
    }

    /**
     * Predictions for images {@code from} (inclusive) to {@code to} (exclusive), through the network's
     * {@link Network#inference()}. The pixels go straight from the split into one native array reused
     * for every batch ({@code NativeRows}), and the outputs come back in one bulk copy each: reading
     * them row by row ({@code toFloatMatrix}) took 24 ms per 1,000 images, ten times the dense
     * model's forward pass ({@code results/speed/benchmark-levers-74dd122.md}).
     */
    public static Predictions predict(Network net, Split split, int from, int to) {
        float[] probabilities = new float[(to - from) * FashionClass.COUNT];
        try (NativeRows features = new NativeRows(IdxFile.PIXELS); BatchInference inference = net.inference()) {
            for (int start = from; start < to; start += BATCH) {
                int size = Math.min(BATCH, to - start);
                inference.score(features.holding(split.pixels(), start, size), probabilities,
                        (start - from) * FashionClass.COUNT);
            }
        }
        return Predictions.of(probabilities, Arrays.copyOfRange(split.labels(), from, to));
    }

    /** Predictions for every image of {@code split}, read where they already lie in native memory. */
    public static Predictions predict(Network net, NativeSplit split) {
        float[] probabilities = new float[split.split().size() * FashionClass.COUNT];
        try (BatchInference inference = net.inference()) {
            for (int b = 0; b < split.batchCount(); b++) {
                inference.score(split.batch(b), probabilities, b * BATCH * FashionClass.COUNT);
            }
        }
        return Predictions.of(probabilities, split.split().labels().clone());
    }
}
