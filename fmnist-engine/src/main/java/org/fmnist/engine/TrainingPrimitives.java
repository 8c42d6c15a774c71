package org.fmnist.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.prop_kind.backward;
import static org.bytedeco.dnnl.global.dnnl.prop_kind.forward_inference;
import static org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training;
import static org.fmnist.engine.FusedInference.any;
import static org.fmnist.engine.FusedInference.plain;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.fmnist.core.model.SlidingWindow;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pieces both fused training steps ({@link FusedCnnTraining} for stacks of layers,
 * {@link FusedGraphTraining} for graphs) build their forward and backward chains from: a plan per batch
 * size ({@link Step}) and what each forward primitive leaves for its backward one ({@link Forward}); batch
 * norms on batch statistics, convolution weight gradients (over patches where the input has few
 * channels), the ReLU's gradient from its output, DL4J's own dropout and the softmax loss, each added
 * to a {@link PrimitiveChain}; and the tests of whether DL4J's parameters lie where oneDNN can read them.
 */
final class TrainingPrimitives {

    private TrainingPrimitives() {}

    /**
     * oneDNN's batch norm with a learned scale and shift per channel, as DL4J's (unless locked), read from
     * one (2, channels) array: DL4J keeps gamma and beta side by side, and oneDNN 2.5 refuses separate
     * scale and shift arguments on the backward pass.
     */
    static final int SCALE_AND_SHIFT = normalization_flags.use_scale_shift.value;

    /**
     * Below this many input channels a convolution's weight gradient goes through its input's patches
     * ({@link #weightGradientOverPatches}): oneDNN's direct kernels block channels by 8 at least.
     */
    static final long FEW_CHANNELS = 8;

    /** Float parameters trained by plain steps: no weight noise, constraints or gradient normalisation. */
    static boolean plainlyTrained(Layer layer) {
        var layerConf = (org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer();
        return layer.params().dataType() == DataType.FLOAT && layerConf.getWeightNoise() == null
                && (layerConf.getConstraints() == null || layerConf.getConstraints().isEmpty())
                && (layerConf.getGradientNormalization() == null
                    || layerConf.getGradientNormalization() == GradientNormalization.None)
                && layer.conf().isMiniBatch() && layer.conf().getStepFunction() == null;
    }

    /** Whether {@code a} lies row-major without gaps, as oneDNN's plain layouts read a convolution's weights. */
    static boolean rowMajor(INDArray a) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1;
    }

    /** Whether {@code a} is a matrix laid out column-major without gaps, as DL4J keeps a dense layer's weights. */
    static boolean columnMajor(INDArray a) {
        return a.rank() == 2 && a.ordering() == 'f' && a.elementWiseStride() == 1;
    }

    /**
     * The chain for one batch size, the ND4J arrays it reads and writes, and what its Java steps share;
     * it lives as long as the network (a run has two batch sizes: the full batches and the last).
     */
    static final class Step {
        PrimitiveChain chain;
        memory input;
        INDArray labels;
        double loss;
        /** Kept here so that Java does not collect the memory the chain works on. */
        private final List<INDArray> arrays = new ArrayList<>();

        /** Runs the chain on a batch; returns its loss, without regularisation. */
        double run(INDArray features, INDArray labels) {
            input.set_data_handle(features.data().addressPointer());
            this.labels = labels;
            chain.run();
            Reference.reachabilityFence(features);
            return loss;
        }

        INDArray array(long... shape) {
            INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
            arrays.add(a);
            return a;
        }
    }

    /**
     * What the forward pass of one stage left for its backward pass: its input and output, its weights
     * as the primitive read them (a batch norm's scale and shift), its primitive descriptor (the hint
     * oneDNN's backward primitives need), a max-pooling's workspace and a batch norm's batch mean and
     * variance.
     * {@code srcDims}: (n, c, h, w) before the first dense layer, (n, c) after.
     */
    record Forward(long[] srcDims, memory src, memory dst, memory weights, Object pd, memory workspace,
                   memory mean, memory variance) {

        Forward(long[] srcDims, memory src, memory dst, memory weights, Object pd, memory workspace) {
            this(srcDims, src, dst, weights, pd, workspace, null, null);
        }
    }

    /**
     * A batch norm on batch statistics over {@code in} (images of {@code dims}), kept as they are laid out,
     * then a Java step that moves DL4J's running statistics: what it left for its backward pass.
     */
    static Forward normalized(PrimitiveChain chain, engine cpu, Step step, Normalization norm, memory in, long[] dims) {
        long c = dims[1];
        var pd = chain.keep(new batch_normalization_forward.primitive_desc(new batch_normalization_forward.desc(
                forward_training.value, in.get_desc(), norm.eps(), SCALE_AND_SHIFT), cpu));
        memory dst = chain.memory(pd.dst_desc());
        INDArray batchMean = step.array(c);
        INDArray batchVariance = step.array(c);
        memory mean = chain.over(plain(memory.format_tag.x, c), address(batchMean));
        memory variance = chain.over(plain(memory.format_tag.x, c), address(batchVariance));
        memory scaleShift = chain.over(plain(memory.format_tag.nc, 2, c), address(norm.scale()));
        chain.add(new batch_normalization_forward(pd), Map.of(DNNL_ARG_SRC, in, DNNL_ARG_DST, dst,
                DNNL_ARG_SCALE_SHIFT, scaleShift, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance));
        chain.then(() -> norm.movingAverageSteps(batchMean, batchVariance));
        return new Forward(dims, in, dst, scaleShift, pd, null, mean, variance);
    }

    /** The gradient at a batch norm's input from {@code diff} at its output, and its scale's and shift's into DL4J's views. */
    static memory normalizedBackward(PrimitiveChain chain, engine cpu, Normalization norm, Forward forward, memory diff) {
        var fwd = (batch_normalization_forward.primitive_desc) forward.pd();
        memory.desc data = forward.src().get_desc();
        var pd = chain.keep(new batch_normalization_backward.primitive_desc(new batch_normalization_backward.desc(
                backward.value, data, data, norm.eps(), SCALE_AND_SHIFT), cpu, fwd));
        memory below = chain.memory(pd.diff_src_desc());
        chain.add(new batch_normalization_backward(pd), Map.of(DNNL_ARG_SRC, forward.src(), DNNL_ARG_MEAN, forward.mean(),
                DNNL_ARG_VARIANCE, forward.variance(), DNNL_ARG_DIFF_DST, chain.reordered(diff, pd.diff_dst_desc()),
                DNNL_ARG_SCALE_SHIFT, forward.weights(), DNNL_ARG_DIFF_SRC, below,
                DNNL_ARG_DIFF_SCALE_SHIFT, chain.over(plain(memory.format_tag.nc, 2, forward.srcDims()[1]), address(norm.scaleGradient()))));
        return below;
    }

    /**
     * Softmax over {@code logits} (n rows of {@code classes}), the loss as DL4J's LossMCXENT scores it
     * (into {@code step.loss}), and its gradient p - y at the logits: memory over that gradient.
     */
    static memory softmaxLoss(PrimitiveChain chain, Step step, INDArray logits, int n, int classes, double clipping) {
        INDArray delta = step.array(n, classes);
        float[] p = new float[n * classes];
        float[] y = new float[n * classes];
        FloatBuffer logitValues = OwnTrainingStep.floats(logits);
        FloatBuffer deltaValues = OwnTrainingStep.floats(delta);
        chain.then(() -> {
            logitValues.get(0, p);
            OwnTrainingStep.floats(step.labels).get(0, y);
            step.loss = SoftmaxCrossEntropy.lossAndGradient(p, y, p, n, classes, clipping);
            deltaValues.put(0, p);
        });
        return chain.over(plain(memory.format_tag.nc, n, classes), address(delta));
    }

    /**
     * A convolution's weight and bias gradients over an input of few channels, computed as those of a 1x1
     * convolution over the input's patches (im2col), into DL4J's gradient views: (out, in, kH, kW)
     * row-major is (out, in * kH * kW, 1, 1) row-major; no bias gradient where {@code biasGradient} is null.
     *
     * <p>Why: oneDNN's direct kernels pad channels to a block of 8 (16 on AVX-512), so over the images'
     * one channel the weight gradient did 8 times its arithmetic: 3.2 ms of a 27 ms compact-CNN step on
     * AVX2 ({@code results/speed/profile-cnn-fused.md}). The patches come from a convolution whose weights
     * are the identity (patch element t of input channel i at kernel row r and column q is
     * {@code t = (i * kH + r) * kW + q}): each copies one pixel times 1, exactly, zero in the padding.
     */
    static void weightGradientOverPatches(PrimitiveChain chain, engine cpu, SlidingWindow window, int channels,
                                          INDArray weightGradient, INDArray biasGradient, memory src, long[] dims, memory diff) {
        long taps = dims[1] * window.kernel()[0] * window.kernel()[1];
        long[] outDims = {dims[0], channels, window.out(dims[2], 0), window.out(dims[3], 1)};
        long[] patchDims = {dims[0], taps, outDims[2], outDims[3]};
        var patchesPd = chain.keep(new convolution_forward.primitive_desc(new convolution_forward.desc(forward_inference,
                convolution_direct, any(dims), any(taps, dims[1], window.kernel()[0], window.kernel()[1]), any(patchDims),
                window.strides(), window.paddingBefore(), window.paddingAfter()), cpu));
        float[] identity = new float[(int) (taps * taps)];
        for (int t = 0; t < taps; t++) {
            identity[t * (int) taps + t] = 1f;
        }
        memory userIdentity = chain.memory(plain(memory.format_tag.oihw, taps, dims[1], window.kernel()[0], window.kernel()[1]));
        PrimitiveChain.fill(userIdentity, identity);
        memory oneHot = chain.memory(patchesPd.weights_desc());
        chain.copyNow(userIdentity, oneHot);
        memory patches = chain.memory(patchesPd.dst_desc());
        chain.add(new convolution_forward(patchesPd), Map.of(DNNL_ARG_SRC, chain.reordered(src, patchesPd.src_desc()),
                DNNL_ARG_WEIGHTS, oneHot, DNNL_ARG_DST, patches));

        long[] pointwise = {channels, taps, 1, 1};
        SlidingWindow pointwiseWindow = SlidingWindow.unpadded(new int[] {1, 1}, new int[] {1, 1});
        // The patches' layout is the forward primitive's choice; the weight gradient's kernel picks its own (AVX-512's
        // fast kernels take no 9-channel layout the patches come in, and oneDNN's reference kernel is tens of times slower).
        memory gradientWeights = weightGradientStep(chain, cpu, null, pointwiseWindow, patches, any(patchDims), outDims,
                pointwise, biasGradient, diff);
        chain.copy(gradientWeights, userWeights(chain, weightGradient, pointwise));
    }

    /**
     * A convolution's weight gradient (in a layout oneDNN picks, returned) and bias gradient (into
     * {@code biasGradient}'s view; none when null) over input {@code src} laid out as {@code srcDesc}
     * wants, for output gradient {@code diff}. {@code hint}: the forward pass's descriptor, or null for
     * one made here over the same shapes.
     */
    static memory weightGradientStep(PrimitiveChain chain, engine cpu, convolution_forward.primitive_desc hint,
                                     SlidingWindow window, memory src, memory.desc srcDesc, long[] outDims,
                                     long[] kernelDims, INDArray biasGradient, memory diff) {
        memory.desc biasDesc = plain(memory.format_tag.x, outDims[1]);
        if (hint == null) {
            hint = chain.keep(new convolution_forward.primitive_desc(biasGradient == null
                    ? new convolution_forward.desc(forward_training, convolution_direct, srcDesc, any(kernelDims), any(outDims),
                            window.strides(), window.paddingBefore(), window.paddingAfter())
                    : new convolution_forward.desc(forward_training, convolution_direct, srcDesc, any(kernelDims), biasDesc,
                            any(outDims), window.strides(), window.paddingBefore(), window.paddingAfter()), cpu));
        }
        var pd = chain.keep(new convolution_backward_weights.primitive_desc(biasGradient == null
                ? new convolution_backward_weights.desc(convolution_direct, srcDesc, any(kernelDims), any(outDims),
                        window.strides(), window.paddingBefore(), window.paddingAfter())
                : new convolution_backward_weights.desc(convolution_direct, srcDesc, any(kernelDims), biasDesc,
                        any(outDims), window.strides(), window.paddingBefore(), window.paddingAfter()), cpu, hint));
        memory gradientWeights = chain.memory(pd.diff_weights_desc());
        Map<Integer, memory> args = new HashMap<>(Map.of(DNNL_ARG_SRC, chain.reordered(src, pd.src_desc()),
                DNNL_ARG_DIFF_DST, chain.reordered(diff, pd.diff_dst_desc()), DNNL_ARG_DIFF_WEIGHTS, gradientWeights));
        if (biasGradient != null) {
            args.put(DNNL_ARG_DIFF_BIAS, chain.over(biasDesc, address(biasGradient)));
        }
        chain.add(new convolution_backward_weights(pd), args);
        return gradientWeights;
    }

    /**
     * DL4J's own dropout on the activations in {@code current}, drawn on an NCHW (or row) copy of them
     * as DL4J's forward pass draws it, into a mask kept with the plan: memory over the dropped copy,
     * which the next primitive reads.
     */
    static memory dropped(PrimitiveChain chain, Step step, IDropout dropout, memory current, long[] dims, Counters counters) {
        INDArray activations = step.array(dims);
        INDArray into = step.array(dims);
        KeptDropoutMask mask = new KeptDropoutMask(step.array(dims));
        chain.copy(current, chain.over(plainLayout(dims), address(activations)));
        chain.then(() -> dropout.applyDropout(activations, into, counters.iteration().getAsInt(), counters.epoch().getAsInt(), mask));
        return chain.over(plainLayout(dims), address(into));
    }

    /** The gradient in {@code diff} through DL4J's dropout back to the input it dropped, with the forward pass's mask. */
    static memory undropped(PrimitiveChain chain, Step step, IDropout dropout, memory diff, long[] dims, Counters counters) {
        INDArray atDropped = step.array(dims);
        INDArray atInput = step.array(dims);
        chain.copy(diff, chain.over(plainLayout(dims), address(atDropped)));
        chain.then(() -> dropout.backprop(atDropped, atInput, counters.iteration().getAsInt(), counters.epoch().getAsInt()));
        return chain.over(plainLayout(dims), address(atInput));
    }

    /** The network's counters, which DL4J's dropout reads (a schedule may depend on them). */
    record Counters(IntSupplier iteration, IntSupplier epoch) {}

    /** DL4J's layout for activations of {@code dims}: NCHW, or rows. */
    private static memory.desc plainLayout(long[] dims) {
        return plain(dims.length == 2 ? memory.format_tag.nc : memory.format_tag.nchw, dims);
    }

    /** The gradient at the input of a ReLU fused into the primitive whose output is {@code dst}; {@code diff} itself without one. */
    static memory reluBackward(PrimitiveChain chain, engine cpu, boolean relu, memory dst, memory diff) {
        if (!relu) {
            return diff;
        }
        memory.desc data = dst.get_desc();
        var hint = chain.keep(new eltwise_forward.primitive_desc(
                new eltwise_forward.desc(forward_training, eltwise_relu_use_dst_for_bwd, data, 0f, 0f), cpu));
        var pd = chain.keep(new eltwise_backward.primitive_desc(
                new eltwise_backward.desc(eltwise_relu_use_dst_for_bwd, data, data, 0f, 0f), cpu, hint));
        memory below = chain.memory(pd.diff_src_desc());
        chain.add(new eltwise_backward(pd), Map.of(DNNL_ARG_DST, dst, DNNL_ARG_DIFF_DST, chain.reordered(diff, pd.diff_dst_desc()),
                DNNL_ARG_DIFF_SRC, below));
        return below;
    }

    /** A convolution's weights (or their gradient) where DL4J keeps them: (out, in, kH, kW), row-major. */
    static memory userWeights(PrimitiveChain chain, INDArray view, long[] kernelDims) {
        return chain.over(plain(memory.format_tag.oihw, kernelDims), address(view));
    }

    /** Where {@code a}'s floats begin, for oneDNN memory over them. */
    static Pointer address(INDArray a) {
        return a.data().addressPointer();
    }
}
