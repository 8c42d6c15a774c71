package org.fmnist.augment;

import org.fmnist.core.data.IdxFile;

/** Reading an image with bilinear interpolation and zero padding outside it. */
final class Pixels {
    static final int SIDE = IdxFile.SIDE;
    static final int N = IdxFile.PIXELS;

    private Pixels() {}

    /** The value at (x, y), 0 outside the image, interpolated between pixel centres. */
    static float sample(float[] src, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (float) ((1 - fx) * (1 - fy) * at(src, x0, y0) + fx * (1 - fy) * at(src, x0 + 1, y0)
                + (1 - fx) * fy * at(src, x0, y0 + 1) + fx * fy * at(src, x0 + 1, y0 + 1));
    }

    private static float at(float[] src, int x, int y) {
        return x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0f : src[y * SIDE + x];
    }
}
