package org.fmnist.core.data;

import java.util.Arrays;

/**
 * A set of labelled images: {@code pixels} holds {@code size() * 784} values in [0, 1], image after
 * image, row-major. The arrays are shared, not copied: treat them as read-only.
 *
 * @param name "train", "test" or "validation"
 */
public record Split(String name, float[] pixels, int[] labels) {

    public Split {
        if (pixels.length != (long) labels.length * IdxFile.PIXELS) {
            throw new IllegalArgumentException(pixels.length + " pixels do not make " + labels.length + " images");
        }
    }

    public int size() {
        return labels.length;
    }

    /** A copy of image {@code i}, 784 values in [0, 1]. */
    public float[] image(int i) {
        return Arrays.copyOfRange(pixels, i * IdxFile.PIXELS, (i + 1) * IdxFile.PIXELS);
    }

    /** The items at {@code indices}, in that order, under a new name. */
    public Split select(String newName, int[] indices) {
        float[] p = new float[indices.length * IdxFile.PIXELS];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * IdxFile.PIXELS, p, k * IdxFile.PIXELS, IdxFile.PIXELS);
            l[k] = labels[indices[k]];
        }
        return new Split(newName, p, l);
    }

    /** The first {@code n} items, or this split when it holds no more than {@code n}. */
    public Split head(int n) {
        if (n >= size()) {
            return this;
        }
        int[] first = new int[n];
        Arrays.setAll(first, i -> i);
        return select(name, first);
    }

    /** Items per class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[FashionClass.COUNT];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }
}
