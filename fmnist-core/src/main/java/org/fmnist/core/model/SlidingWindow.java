package org.fmnist.core.model;

import java.util.Optional;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * How a convolution's or a pooling's window moves over an image, per axis (rows, then columns): its
 * size, its stride and the padding before and after, as DL4J applies them. The fused oneDNN paths
 * (fmnist-engine) and the ONNX export (fmnist-onnx) take their geometry and their output sizes from
 * here, and the twin tests' rounding analysis the terms of each output.
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
        return of(conf.getConvolutionMode(), conf.getKernelSize(), conf.getStride(), conf.getPadding(), h, w);
    }

    /**
     * The window of a pooling layer over an {@code h × w} input, or empty for a convolution mode not
     * covered (Causal).
     */
    public static Optional<SlidingWindow> of(SubsamplingLayer conf, long h, long w) {
        return of(conf.getConvolutionMode(), conf.getKernelSize(), conf.getStride(), conf.getPadding(), h, w);
    }

    private static Optional<SlidingWindow> of(ConvolutionMode mode, int[] kernel, int[] stride, int[] padding, long h, long w) {
        int[] before = new int[2];
        int[] after = new int[2];
        long[] in = {h, w};
        for (int d = 0; d < 2; d++) {
            if (mode == ConvolutionMode.Same) {
                // DL4J's Same: the output is ceil(in / stride); the padding is split with the odd pixel last.
                long out = (in[d] + stride[d] - 1) / stride[d];
                int total = Math.toIntExact(Math.max(0, (out - 1) * stride[d] + kernel[d] - in[d]));
                before[d] = total / 2;
                after[d] = total - before[d];
            } else if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
                before[d] = padding[d];
                after[d] = padding[d];
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
