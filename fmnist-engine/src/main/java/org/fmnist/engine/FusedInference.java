package org.fmnist.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.algorithm.pooling_avg_exclude_padding;
import static org.bytedeco.dnnl.global.dnnl.algorithm.pooling_max;
import static org.bytedeco.dnnl.global.dnnl.prop_kind.forward_inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.softmax_forward;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.SlidingWindow;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference for a feed-forward network, a CNN trained in NCHW or a stack of dense layers, run as one
 * chain of oneDNN primitives called directly: each convolution or dense layer with its bias, its batch
 * norm (folded into its weights) and its ReLU in one primitive, and every array between the first
 * primitive and the softmax kept in the layout oneDNN picks for it.
 *
 * <p>Why: DL4J hands oneDNN an NCHW (or NHWC) array on every convolution call and gets one back, so
 * oneDNN converts each input to its blocked layout and each output back, and DL4J then runs the ReLU as
 * a pass of its own. On the compact CNN that made DL4J's first convolution 9–11 times as slow as
 * TensorFlow's, which fuses bias and ReLU into the convolution and keeps one layout
 * ({@code results/speed/profile-cnn-inference.md}). DL4J's own oneDNN is linked into libnd4jcpu and not
 * exported, so this uses the JavaCPP preset of oneDNN. For the dense model, oneDNN's inner product with
 * its ReLU fused took 0.63–0.73 ms per 1,000 images where one OpenBLAS {@code gemm} a layer
 * ({@link DenseStackInference}) took 1.3–1.9 ms ({@code bench/probes/DenseInference.java}).
 *
 * <p>The chain is planned once per batch size, from the network's weights at the time
 * {@link #of} is called: a pass over a data set scores with the weights it started with.
 * {@code FusedInferenceTest} compares its probabilities with the network's own {@code output()}.
 */
final class FusedInference extends ChainInference {

    /** A layer, or a run of layers, as one oneDNN primitive computes it ({@link FusedGraphInference} adds its own). */
    interface Stage {}

    /**
     * A convolution; {@code weights} in (out, in, height, width) order, with the batch norm after it
     * folded in.
     */
    record Convolution(float[] weights, float[] bias, int channels, SlidingWindow window, boolean relu)
            implements Stage {}

    record Pooling(boolean max, SlidingWindow window) implements Stage {}

    /** A dense layer; {@code weights} in (out, in) order, {@code in} in the flattening's NCHW order. */
    record InnerProduct(float[] weights, float[] bias, int outputs, boolean relu) implements Stage {}

    private final List<Stage> stages;
    /** Each input row's dimensions: (channels, height, width) of an image, or (features) of flat rows. */
    private final long[] input;

    private FusedInference(List<Stage> stages, long[] input) {
        this.stages = stages;
        this.input = input;
    }

    /**
     * The fused inference of {@code net}, or empty for a network it does not cover: any layer but
     * convolutions (NCHW, undilated, with a bias), batch norms right after a convolution without an
     * activation, ReLU or identity activations, dropout, max or average pooling without padding, dense
     * layers and a softmax output layer; weights other than 32-bit floats; input other than flat rows,
     * taken as they are by a first dense layer or as images by a first convolution.
     */
    static Optional<BatchInference> of(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (net.getClass() != MultiLayerNetwork.class || net.getnLayers() == 0) {
            return Optional.empty();
        }
        long[] input; // (channels, height, width) of images, or (features) of flat rows
        if (conf.getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor images) {
            input = new long[] {images.getNumChannels(), images.getInputHeight(), images.getInputWidth()};
        } else if (conf.getInputPreProcess(0) == null && conf.getConf(0).getLayer() instanceof FeedForwardLayer dense) {
            input = new long[] {dense.getNIn()};
        } else {
            return Optional.empty();
        }
        List<Stage> stages = new ArrayList<>();
        int c = (int) input[0];
        int h = input.length == 3 ? (int) input[1] : 1;
        int w = input.length == 3 ? (int) input[2] : 1;
        boolean flattened = input.length == 1;
        for (int i = 0; i < net.getnLayers(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer layer = conf.getConf(i).getLayer();
            Layer own = net.getLayer(i);
            InputPreProcessor preprocessor = i == 0 ? null : conf.getInputPreProcess(i);
            if (preprocessor != null) {
                if (flattened || !(preprocessor instanceof CnnToFeedForwardPreProcessor flatten)
                        || flatten.getFormat() != CNN2DFormat.NCHW || flatten.getNumChannels() != c
                        || flatten.getInputHeight() != h || flatten.getInputWidth() != w) {
                    return Optional.empty();
                }
                flattened = true;
            }
            Stage last = stages.isEmpty() ? null : stages.get(stages.size() - 1);
            if (layer.getClass() == DropoutLayer.class) {
                continue; // no dropout at inference
            }
            if (!flattened && layer.getClass() == ConvolutionLayer.class) {
                Optional<Convolution> conv = convolution((ConvolutionLayer) layer, (BaseLayer<?>) own, c, h, w);
                if (conv.isEmpty()) {
                    return Optional.empty();
                }
                stages.add(conv.get());
                c = conv.get().channels();
                h = conv.get().window().out(h, 0);
                w = conv.get().window().out(w, 1);
            } else if (!flattened && layer.getClass() == BatchNormalization.class
                    && last instanceof Convolution conv && !conv.relu()
                    && ((BatchNormalization) layer).getCnn2DFormat() == CNN2DFormat.NCHW) {
                stages.set(stages.size() - 1, folded(conv, own));
            } else if (layer.getClass() == ActivationLayer.class) {
                IActivation fn = ((ActivationLayer) layer).getActivationFn();
                if (fn instanceof ActivationIdentity) {
                    continue;
                }
                if (!isPlainReLU(fn)) {
                    return Optional.empty();
                }
                if (last instanceof Convolution conv && !conv.relu()) {
                    stages.set(stages.size() - 1, new Convolution(conv.weights(), conv.bias(), conv.channels(),
                            conv.window(), true));
                } else if (last instanceof InnerProduct dense && !dense.relu() && flattened) {
                    stages.set(stages.size() - 1, new InnerProduct(dense.weights(), dense.bias(), dense.outputs(), true));
                } else {
                    return Optional.empty();
                }
            } else if (!flattened && layer.getClass() == SubsamplingLayer.class) {
                Optional<Pooling> pool = pooling((SubsamplingLayer) layer, h, w);
                if (pool.isEmpty()) {
                    return Optional.empty();
                }
                stages.add(pool.get());
                h = pool.get().window().out(h, 0);
                w = pool.get().window().out(w, 1);
            } else if (flattened && (layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class)) {
                boolean lastLayer = i == net.getnLayers() - 1;
                Optional<InnerProduct> dense = dense(layer, own);
                if ((layer.getClass() == OutputLayer.class) != lastLayer || dense.isEmpty()) {
                    return Optional.empty();
                }
                stages.add(dense.get());
            } else {
                return Optional.empty();
            }
        }
        boolean endsInSoftmax = conf.getConf(net.getnLayers() - 1).getLayer().getClass() == OutputLayer.class;
        if (!flattened || !endsInSoftmax) {
            return Optional.empty();
        }
        return Optional.of(new FusedInference(List.copyOf(stages), input));
    }

    /**
     * The stage of a dense layer ({@code DenseLayer} with ReLU or no activation, or {@code OutputLayer} with
     * softmax, which the chain's softmax computes), or empty when it is not one the chain takes.
     */
    static Optional<InnerProduct> dense(org.deeplearning4j.nn.conf.layers.Layer layer, Layer own) {
        BaseLayer<?> dense = (BaseLayer<?>) own;
        IActivation fn = ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer).getActivationFn();
        boolean output = layer.getClass() == OutputLayer.class;
        if (!dense.hasBias() || dense.hasLayerNorm() || dense.getParam("W").dataType() != DataType.FLOAT
                || (output ? !(fn instanceof ActivationSoftmax) : !(isPlainReLU(fn) || fn instanceof ActivationIdentity))) {
            return Optional.empty();
        }
        INDArray weights = dense.getParam("W"); // [in, out]
        return Optional.of(new InnerProduct(values(weights.transpose()), values(dense.getParam("b")),
                (int) weights.size(1), !output && isPlainReLU(fn)));
    }

    /** The stage of a convolution over {@code channels} NCHW channels of (h, w), or empty when it is not one the chain takes. */
    static Optional<Convolution> convolution(ConvolutionLayer conf, BaseLayer<?> own, int channels, int h, int w) {
        IActivation fn = conf.getActivationFn();
        if (conf.getCnn2dDataFormat() != CNN2DFormat.NCHW || own.hasLayerNorm()
                || conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1
                || own.getParam("W").dataType() != DataType.FLOAT || own.getParam("W").size(1) != channels
                || !(isPlainReLU(fn) || fn instanceof ActivationIdentity)) {
            return Optional.empty();
        }
        INDArray weights = own.getParam("W"); // [out, in, kH, kW]
        // Without a bias (a batch norm follows, whose shift would cancel it): a bias of zeros.
        float[] bias = own.hasBias() ? values(own.getParam("b")) : new float[(int) weights.size(0)];
        return SlidingWindow.of(conf, h, w).map(window -> new Convolution(values(weights), bias,
                (int) weights.size(0), window, isPlainReLU(fn)));
    }

    static Optional<Pooling> pooling(SubsamplingLayer conf, int h, int w) {
        int[] kernel = conf.getKernelSize();
        int[] stride = conf.getStride();
        boolean max = conf.getPoolingType() == PoolingType.MAX;
        if ((!max && conf.getPoolingType() != PoolingType.AVG) || conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1
                || conf.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return Optional.empty();
        }
        int[] in = {h, w};
        for (int d = 0; d < 2; d++) {
            boolean padded = switch (conf.getConvolutionMode()) {
                // Same pads unless the windows tile the image exactly.
                case Same -> (((in[d] + stride[d] - 1) / stride[d]) - 1) * stride[d] + kernel[d] > in[d];
                case Truncate, Strict -> conf.getPadding()[d] != 0;
                default -> true;
            };
            // How each framework counts padding in a window differs; only unpadded pooling is covered.
            if (padded) {
                return Optional.empty();
            }
        }
        return Optional.of(new Pooling(max, SlidingWindow.unpadded(kernel, stride)));
    }

    /**
     * {@code conv} with the inference-mode batch norm {@code norm} after it folded in: per channel the
     * norm is {@code y = scale * x + shift}, so the weights are multiplied by {@code scale} and the
     * bias becomes {@code scale * bias + shift}. Both are read off the layer itself, by scoring a
     * zero and a one in every channel: DL4J keeps either a variance or a log10 standard deviation,
     * depending on a setting, and this way the fold follows whichever it uses.
     */
    static Convolution folded(Convolution conv, Layer norm) {
        int channels = conv.channels();
        float[][] affine = affine(norm, channels);
        float[] weights = conv.weights().clone();
        float[] bias = new float[channels];
        int perChannel = weights.length / channels;
        for (int o = 0; o < channels; o++) {
            float scale = affine[0][o];
            for (int k = 0; k < perChannel; k++) {
                weights[o * perChannel + k] *= scale;
            }
            bias[o] = scale * conv.bias()[o] + affine[1][o];
        }
        return new Convolution(weights, bias, channels, conv.window(), conv.relu());
    }

    /**
     * An inference-mode batch norm over {@code channels} NCHW channels as what it is per channel,
     * {@code y = scale * x + shift}: {scale, shift}, read off the layer by scoring a zero and a one in
     * every channel.
     */
    static float[][] affine(Layer norm, int channels) {
        INDArray probe = Nd4j.zeros(DataType.FLOAT, 2, channels, 1, 1);
        probe.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1)).assign(1);
        float[] y = values(norm.activate(probe, false, LayerWorkspaceMgr.noWorkspaces()));
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int o = 0; o < channels; o++) {
            shift[o] = y[o];
            scale[o] = y[channels + o] - shift[o];
        }
        return new float[][] {scale, shift};
    }

    /**
     * The elements of {@code array} in row-major order, in one bulk read where they already lie so (a
     * dense layer's column-major weights, transposed, do): ND4J's {@code dup} and {@code toFloatVector}
     * took about 0.3 ms an array, more than scoring 1,000 images through the dense model.
     */
    static float[] values(INDArray array) {
        INDArray rowMajor = array.ordering() == 'c' && array.elementWiseStride() == 1 ? array : array.dup('c');
        float[] values = new float[(int) array.length()];
        // The address includes a view's offset.
        new FloatPointer(rowMajor.data().addressPointer()).get(values);
        return values;
    }

    /** A ReLU with no cap, threshold or slope, DL4J's own or a subclass of it (fmnist-models' masked one). */
    static boolean isPlainReLU(IActivation fn) {
        return fn instanceof ActivationReLU relu && isZero(relu.getMax()) && isZero(relu.getThreshold())
                && isZero(relu.getNegativeSlope());
    }

    private static boolean isZero(Double value) {
        return value == null || value == 0.0;
    }

    /**
     * The primitives for batches of {@code n} images, with the memory between them; weights are
     * reordered into the layouts the primitives chose, once.
     */
    @Override
    protected Planned plan(int n) {
        PrimitiveChain chain = new PrimitiveChain(cpu, queue);
        boolean flat = input.length == 1;
        memory rows = chain.over(flat ? plain(memory.format_tag.nc, n, input[0])
                : plain(memory.format_tag.nchw, n, input[0], input[1], input[2]), null);
        memory current = rows;
        long c = input[0];
        long h = flat ? 1 : input[1];
        long w = flat ? 1 : input[2];
        for (Stage stage : stages) {
            if (stage instanceof Convolution conv) {
                current = convolved(chain, cpu, conv, current, n, c, h, w);
                c = conv.channels();
                h = conv.window().out(h, 0);
                w = conv.window().out(w, 1);
            } else if (stage instanceof Pooling pool) {
                current = pooled(chain, cpu, pool.max(), pool.window(), current, n, c, h, w);
                h = pool.window().out(h, 0);
                w = pool.window().out(w, 1);
            } else if (stage instanceof InnerProduct dense) {
                current = innerProduct(chain, cpu, dense, current, flat ? new long[] {n, c} : new long[] {n, c, h, w});
                c = dense.outputs();
                flat = true;
            }
        }
        memory output = softmax(chain, cpu, current, n, c);
        return new Planned(chain, rows, output, (int) c);
    }

    /** {@code conv}'s output over {@code src}, images of (n, c, h, w), computed by a primitive added to {@code chain}. */
    static memory convolved(PrimitiveChain chain, engine cpu, Convolution conv, memory src, long n, long c, long h, long w) {
        SlidingWindow window = conv.window();
        long oh = window.out(h, 0);
        long ow = window.out(w, 1);
        var desc = new convolution_forward.desc(forward_inference, convolution_direct,
                any(n, c, h, w), any(conv.channels(), c, window.kernel()[0], window.kernel()[1]),
                plain(memory.format_tag.x, conv.channels()), any(n, conv.channels(), oh, ow),
                window.strides(), window.paddingBefore(), window.paddingAfter());
        var pd = chain.keep(new convolution_forward.primitive_desc(desc, chain.keep(attributes(conv.relu())), cpu));
        memory weights = weights(chain, conv.weights(), pd.weights_desc(),
                plain(memory.format_tag.oihw, conv.channels(), c, window.kernel()[0], window.kernel()[1]));
        memory dst = chain.memory(pd.dst_desc());
        chain.add(new convolution_forward(pd), Map.of(DNNL_ARG_SRC, chain.reordered(src, pd.src_desc()), DNNL_ARG_WEIGHTS, weights,
                DNNL_ARG_BIAS, filled(chain, conv.bias(), pd.bias_desc()), DNNL_ARG_DST, dst));
        return dst;
    }

    /** Max- or average-pooling of {@code src}, images of (n, c, h, w), in windows {@code window}. */
    static memory pooled(PrimitiveChain chain, engine cpu, boolean max, SlidingWindow window, memory src,
                         long n, long c, long h, long w) {
        var desc = new pooling_forward.desc(forward_inference, max ? pooling_max : pooling_avg_exclude_padding,
                src.get_desc(), any(n, c, window.out(h, 0), window.out(w, 1)), window.strides(), window.kernelDims(),
                window.paddingBefore(), window.paddingAfter());
        var pd = chain.keep(new pooling_forward.primitive_desc(desc, cpu));
        memory dst = chain.memory(pd.dst_desc());
        chain.add(new pooling_forward(pd), Map.of(DNNL_ARG_SRC, src, DNNL_ARG_DST, dst));
        return dst;
    }

    /**
     * {@code dense}'s output over {@code src} of {@code srcDims}: rows (n, c), or images (n, c, h, w)
     * whose (channel, height, width) features a first dense layer reads as they lie.
     */
    static memory innerProduct(PrimitiveChain chain, engine cpu, InnerProduct dense, memory src, long[] srcDims) {
        long[] weightDims = srcDims.clone();
        weightDims[0] = dense.outputs();
        memory.desc userWeights = plain(srcDims.length == 2 ? memory.format_tag.oi : memory.format_tag.oihw, weightDims);
        var desc = new inner_product_forward.desc(forward_inference, any(srcDims), any(weightDims),
                plain(memory.format_tag.x, dense.outputs()), any(srcDims[0], dense.outputs()));
        var pd = chain.keep(new inner_product_forward.primitive_desc(desc, chain.keep(attributes(dense.relu())), cpu));
        memory weights = weights(chain, dense.weights(), pd.weights_desc(), userWeights);
        memory dst = chain.memory(pd.dst_desc());
        chain.add(new inner_product_forward(pd), Map.of(DNNL_ARG_SRC, chain.reordered(src, pd.src_desc()), DNNL_ARG_WEIGHTS, weights,
                DNNL_ARG_BIAS, filled(chain, dense.bias(), pd.bias_desc()), DNNL_ARG_DST, dst));
        return dst;
    }

    /** The softmax of {@code logits}, (n, classes), as rows of probabilities. */
    static memory softmax(PrimitiveChain chain, engine cpu, memory logits, long n, long classes) {
        memory.desc rowsOfClasses = plain(memory.format_tag.nc, n, classes);
        var softmax = chain.keep(new softmax_forward.primitive_desc(
                new softmax_forward.desc(forward_inference, rowsOfClasses, 1), cpu));
        memory output = chain.memory(rowsOfClasses);
        chain.add(new softmax_forward(softmax), Map.of(DNNL_ARG_SRC, chain.reordered(logits, rowsOfClasses), DNNL_ARG_DST, output));
        return output;
    }

    /** Attributes that add a ReLU after the primitive's own work, or none. */
    static primitive_attr attributes(boolean relu) {
        primitive_attr attr = new primitive_attr();
        if (relu) {
            post_ops ops = new post_ops();
            ops.append_eltwise(1f, eltwise_relu, 0f, 0f);
            attr.set_post_ops(ops);
        }
        return attr;
    }

    /** The weights in the layout {@code wanted}, reordered once from {@code values} laid out as {@code given}. */
    static memory weights(PrimitiveChain chain, float[] values, memory.desc wanted, memory.desc given) {
        memory user = chain.memory(given);
        PrimitiveChain.fill(user, values);
        if (user.get_desc().equals(wanted)) {
            return user;
        }
        memory laidOut = chain.memory(wanted);
        chain.copyNow(user, laidOut);
        return laidOut;
    }

    static memory filled(PrimitiveChain chain, float[] values, memory.desc desc) {
        memory m = chain.memory(desc);
        PrimitiveChain.fill(m, values);
        return m;
    }

    static memory.desc any(long... dims) {
        return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
    }

    static memory.desc plain(memory.format_tag tag, long... dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }
}
