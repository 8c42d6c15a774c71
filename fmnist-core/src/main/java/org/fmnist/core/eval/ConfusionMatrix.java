package org.fmnist.core.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fmnist.core.data.FashionClass;

/** Counts of (true class, predicted class) pairs; rows are true classes, columns predictions. */
public final class ConfusionMatrix {
    private final int[][] counts = new int[FashionClass.COUNT][FashionClass.COUNT];

    /** A pair of classes the model mixes up, and how often in this direction. */
    public record ConfusedPair(FashionClass actual, FashionClass predicted, int count) {}

    public static ConfusionMatrix of(int[] labels, int[] predicted) {
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predicted.length + " predictions");
        }
        ConfusionMatrix m = new ConfusionMatrix();
        for (int i = 0; i < labels.length; i++) {
            m.counts[labels[i]][predicted[i]]++;
        }
        return m;
    }

    public int count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /** A copy of the counts, {@code [actual][predicted]}. */
    public int[][] counts() {
        int[][] copy = new int[FashionClass.COUNT][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public int total() {
        int total = 0;
        for (int[] row : counts) {
            for (int c : row) {
                total += c;
            }
        }
        return total;
    }

    /** Images of class {@code actual}. */
    public int support(int actual) {
        int s = 0;
        for (int c : counts[actual]) {
            s += c;
        }
        return s;
    }

    /** Images predicted as {@code predicted}. */
    public int predictedCount(int predicted) {
        int s = 0;
        for (int[] row : counts) {
            s += row[predicted];
        }
        return s;
    }

    public int correct() {
        int c = 0;
        for (int i = 0; i < counts.length; i++) {
            c += counts[i][i];
        }
        return c;
    }

    /** The {@code k} largest off-diagonal cells, largest first (ties: lower labels first). */
    public List<ConfusedPair> mostConfused(int k) {
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int a = 0; a < counts.length; a++) {
            for (int p = 0; p < counts.length; p++) {
                if (a != p && counts[a][p] > 0) {
                    pairs.add(new ConfusedPair(FashionClass.ofLabel(a), FashionClass.ofLabel(p), counts[a][p]));
                }
            }
        }
        pairs.sort(Comparator.comparingInt(ConfusedPair::count).reversed());
        return List.copyOf(pairs.subList(0, Math.min(k, pairs.size())));
    }
}
