package org.fmnist.core.model;

import java.util.Optional;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;

/**
 * How a convolution's or a pooling's window moves over an image, per axis (rows, then columns): its
 * size, its stride and the padding before and after, as DL4J applies them. The fused oneDNN paths
 * (fmnist-engine) take their primitives' geometry and their output sizes from here, and the twin tests'
 * rounding analysis the terms of each output.
 *
 * @param kernel the window's size
 * @param stride how far it moves per output
 * @param padBefore the padding before the first pixel
 * @param padAfter the padding after the last pixel
 */
public record SlidingWindow(int[] kernel, int[] stride, int[] padBefore, int[] padAfter) {

    /** A window without padding. */
    public static SlidingWindow unpadded(int[] kernel, int[] stride) {
        return new SlidingWindow(kernel, stride, new int[2], new int[2]);
    }

    /**
     * The window of {@code conf} over an {@code h × w} input, or empty for a convolution mode not
     * covered (Causal).
     */
    public static Optional<SlidingWindow> of(ConvolutionLayer conf, long h, long w) {
        int[] kernel = conf.getKernelSize();
        int[] stride = conf.getStride();
        int[] before = new int[2];
        int[] after = new int[2];
        long[] in = {h, w};
        for (int d = 0; d < 2; d++) {
            if (conf.getConvolutionMode() == ConvolutionMode.Same) {
                // DL4J's Same: the output is ceil(in / stride); the padding is split with the odd pixel last.
                long out = (in[d] + stride[d] - 1) / stride[d];
                int total = Math.toIntExact(Math.max(0, (out - 1) * stride[d] + kernel[d] - in[d]));
                before[d] = total / 2;
                after[d] = total - before[d];
            } else if (conf.getConvolutionMode() == ConvolutionMode.Truncate
                    || conf.getConvolutionMode() == ConvolutionMode.Strict) {
                before[d] = conf.getPadding()[d];
                after[d] = conf.getPadding()[d];
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new SlidingWindow(kernel, stride, before, after));
    }

    /** The output size along axis {@code d} (0: rows, 1: columns) of {@code in} pixels, rounded down as DL4J's Truncate mode does. */
    public int out(long in, int d) {
        return Math.toIntExact((in + padBefore[d] + padAfter[d] - kernel[d]) / stride[d] + 1);
    }

    /** The sizes as oneDNN's dimensions take them. */
    public long[] kernelDims() {
        return longs(kernel);
    }

    public long[] strides() {
        return longs(stride);
    }

    public long[] paddingBefore() {
        return longs(padBefore);
    }

    public long[] paddingAfter() {
        return longs(padAfter);
    }

    private static long[] longs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
