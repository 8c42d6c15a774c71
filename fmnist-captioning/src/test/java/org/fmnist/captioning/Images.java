package org.fmnist.captioning;

/** Synthetic 28×28 images with known attributes. */
final class Images {
    private Images() {}

    /** A filled rectangle of {@code value}, {@code width} columns wide and 20 rows tall, centred. */
    static float[] block(int width, float value) {
        float[] img = new float[784];
        int left = (28 - width) / 2;
        for (int r = 4; r < 24; r++) {
            for (int c = left; c < left + width; c++) {
                img[r * 28 + c] = value;
            }
        }
        return img;
    }

    /** A block with alternating bright and dim stripes, one pixel each. */
    static float[] striped(int width) {
        float[] img = block(width, 0.9f);
        for (int i = 0; i < img.length; i++) {
            if (img[i] > 0 && (i / 28) % 2 == 0) {
                img[i] = 0.35f;
            }
        }
        return img;
    }

    /** Probabilities with {@code top} at {@code label} and the rest on {@code second}. */
    static float[] probabilities(int label, float top, int second) {
        float[] p = new float[10];
        p[label] = top;
        p[second] = 1 - top;
        return p;
    }
}
