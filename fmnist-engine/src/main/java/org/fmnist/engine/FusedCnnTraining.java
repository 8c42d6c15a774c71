package org.fmnist.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.algorithm.pooling_max;
import static org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training;
import static org.fmnist.engine.FusedInference.any;
import static org.fmnist.engine.FusedInference.attributes;
import static org.fmnist.engine.FusedInference.plain;
import static org.fmnist.engine.TrainingPrimitives.FEW_CHANNELS;
import static org.fmnist.engine.TrainingPrimitives.address;
import static org.fmnist.engine.TrainingPrimitives.columnMajor;
import static org.fmnist.engine.TrainingPrimitives.dropped;
import static org.fmnist.engine.TrainingPrimitives.normalized;
import static org.fmnist.engine.TrainingPrimitives.normalizedBackward;
import static org.fmnist.engine.TrainingPrimitives.plainlyTrained;
import static org.fmnist.engine.TrainingPrimitives.reluBackward;
import static org.fmnist.engine.TrainingPrimitives.rowMajor;
import static org.fmnist.engine.TrainingPrimitives.softmaxLoss;
import static org.fmnist.engine.TrainingPrimitives.undropped;
import static org.fmnist.engine.TrainingPrimitives.userWeights;
import static org.fmnist.engine.TrainingPrimitives.weightGradientOverPatches;
import static org.fmnist.engine.TrainingPrimitives.weightGradientStep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.fmnist.core.model.SlidingWindow;
import org.fmnist.engine.TrainingPrimitives.Counters;
import org.fmnist.engine.TrainingPrimitives.Forward;
import org.fmnist.engine.TrainingPrimitives.Step;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * A gradient step for a convolutional multi-layer network such as the compact and the deep CNN
 * (convolutions, batch norms and ReLUs, max-pooling, dense layers, a softmax output on cross-entropy),
 * run as oneDNN primitives called directly: each convolution with its ReLU fused, each ReLU's gradient
 * from its output, the arrays in the layouts oneDNN picks from the first convolution to the first dense
 * layer.
 *
 * <p>Why: in DL4J's step the compact CNN spent 79% of its time inside libnd4j's kernels, where DL4J's
 * oneDNN helper converts every convolution's arrays from and to NCHW and runs ReLU and its gradient as
 * passes of their own ({@code results/speed/profile-cnn.md}); the deep CNN's batch norms and ReLUs add six
 * such conversions and passes each way.
 *
 * <p>The rest is DL4J's, as in {@link DenseStackTraining}: the primitives read the weights from the
 * network's parameter view and write the gradient into its gradient view in DL4J's layout; dropout is
 * the layer's own {@code IDropout}, drawn on an NCHW copy of the layer's input as DL4J draws it; a batch
 * norm's running mean and variance move as DL4J moves them, by a "gradient" its no-op updater applies;
 * then the network's updater makes the update, and the update is subtracted from the parameters.
 * Checkpoints, {@code model.zip} and {@code resume} are unchanged. {@code FusedCnnTrainingTest}
 * compares losses, updates, weights and batch-norm statistics with DL4J's step.
 */
final class FusedCnnTraining implements OwnTrainingStep {

    private sealed interface Stage permits Convolution, Norm, Rectifier, Pooling, InnerProduct {}

    /**
     * A convolution: views of its weights ({@code [out, in, kH, kW]}) and bias, their gradients, and
     * the dropout on its input (null: none).
     */
    private record Convolution(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient,
                               int channels, SlidingWindow window, boolean relu, IDropout dropout) implements Stage {}

    /** A batch norm over a convolution's channels. */
    private record Norm(Normalization norm) implements Stage {}

    /** An activation layer's plain ReLU. */
    private record Rectifier() implements Stage {}

    private record Pooling(SlidingWindow window) implements Stage {}

    /**
     * A dense layer: views of its weights ({@code [in, out]}, column-major, so (out, in) row after row)
     * and bias, their gradients, and the dropout on its input (null: none).
     */
    private record InnerProduct(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient,
                                int outputs, boolean relu, IDropout dropout) implements Stage {}

    private final MultiLayerNetwork net;
    private final List<Stage> stages;
    private final int channels;
    private final int height;
    private final int width;
    private final double clipping;
    private final DefaultGradient gradient;
    private final INDArray update;
    private final engine cpu = new engine(engine.kind.cpu, 0);
    private final stream queue = new stream(cpu);
    private final Map<Integer, Step> steps = new HashMap<>();
    private final Counters counters;

    private FusedCnnTraining(MultiLayerNetwork net, List<Stage> stages, int channels, int height, int width,
                             double clipping, DefaultGradient gradient) {
        this.net = net;
        this.stages = stages;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.clipping = clipping;
        this.gradient = gradient;
        this.update = net.getFlattenedGradients().reshape(net.params().shape());
        this.counters = new Counters(net::getIterationCount, net::getEpochCount);
    }

    /**
     * The step for {@code net}, or empty when DL4J's own must run: any layer but convolutions (NCHW,
     * undilated, with a bias, ReLU or none), batch norms over their channels (NCHW, scale and shift
     * learned), activation layers with a plain ReLU, unpadded max-pooling, dense layers with ReLU or
     * none and a softmax output on unweighted cross-entropy; dropout other than plain dropout on a
     * convolution's or dense layer's input; weight noise, constraints, gradient normalisation;
     * parameters that are not float.
     */
    static Optional<FusedCnnTraining> of(MultiLayerNetwork net) {
        var conf = net.getLayerWiseConfigurations();
        if (net.getClass() != MultiLayerNetwork.class || net.getnLayers() < 2
                || !(conf.getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor input)) {
            return Optional.empty();
        }
        // LayeredNetwork has made the gradient view, which this step writes into.
        DefaultGradient gradient = new NetworkGradient(net::getFlattenedGradients);
        List<Stage> stages = new ArrayList<>();
        int c = (int) input.getNumChannels();
        int h = (int) input.getInputHeight();
        int w = (int) input.getInputWidth();
        int denseLayers = 0;
        double clipping = 0;
        int last = net.getnLayers() - 1;
        for (int i = 0; i <= last; i++) {
            Layer layer = net.getLayer(i);
            var preprocessor = i == 0 ? null : conf.getInputPreProcess(i);
            boolean flattening = preprocessor instanceof CnnToFeedForwardPreProcessor flatten
                    && flatten.getFormat() == CNN2DFormat.NCHW && flatten.getNumChannels() == c
                    && flatten.getInputHeight() == h && flatten.getInputWidth() == w && denseLayers == 0;
            if (preprocessor != null && !flattening) {
                return Optional.empty();
            }
            if (layer.getClass() == SubsamplingLayer.class && denseLayers == 0) {
                var pool = (org.deeplearning4j.nn.conf.layers.SubsamplingLayer) layer.conf().getLayer();
                if (pool.getPoolingType() != PoolingType.MAX || pool.getCnn2dDataFormat() != CNN2DFormat.NCHW
                        || pool.getConvolutionMode() == ConvolutionMode.Same || pool.getPadding()[0] != 0
                        || pool.getPadding()[1] != 0 || pool.getDilation()[0] != 1 || pool.getDilation()[1] != 1
                        || pool.getIDropout() != null) {
                    return Optional.empty();
                }
                SlidingWindow window = SlidingWindow.unpadded(pool.getKernelSize(), pool.getStride());
                stages.add(new Pooling(window));
                h = window.out(h, 0);
                w = window.out(w, 1);
                continue;
            }
            if (layer.getClass() == ActivationLayer.class && denseLayers == 0 && !stages.isEmpty()) {
                var activation = (org.deeplearning4j.nn.conf.layers.ActivationLayer) layer.conf().getLayer();
                if (!FusedInference.isPlainReLU(activation.getActivationFn()) || activation.getIDropout() != null) {
                    return Optional.empty();
                }
                stages.add(new Rectifier());
                continue;
            }
            if (layer.getClass() == BatchNormalization.class && denseLayers == 0 && !stages.isEmpty()) {
                Optional<Normalization> norm = Normalization.of((BatchNormalization) layer, c);
                if (norm.isEmpty()) {
                    return Optional.empty();
                }
                stages.add(new Norm(norm.get()));
                norm.get().register(gradient, String.valueOf(i));
                continue;
            }
            boolean convolution = layer.getClass() == ConvolutionLayer.class && denseLayers == 0;
            boolean dense = layer.getClass() == (i == last ? OutputLayer.class : DenseLayer.class)
                    && (denseLayers > 0 || flattening);
            if (!convolution && !dense) {
                return Optional.empty();
            }
            BaseLayer<?> base = (BaseLayer<?>) layer;
            var layerConf = (org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer();
            IActivation fn = layerConf.getActivationFn();
            boolean relu = FusedInference.isPlainReLU(fn);
            boolean plain = base.hasBias() && !base.hasLayerNorm() && plainlyTrained(layer)
                    && (i == last ? fn instanceof ActivationSoftmax : relu || fn instanceof ActivationIdentity);
            // Dropout on a layer's input, where the layer's own IDropout can draw its mask over an NCHW
            // (or row) copy of that input as DL4J's forward pass does.
            IDropout dropout = layerConf.getIDropout();
            if (!plain || (dropout != null && dropout.getClass() != Dropout.class)) {
                return Optional.empty();
            }
            if (convolution) {
                var convConf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layerConf;
                Map<String, INDArray> grads = ConvolutionParamInitializer.getInstance()
                        .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
                INDArray weights = base.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
                Optional<SlidingWindow> window = SlidingWindow.of(convConf, h, w);
                if (convConf.getCnn2dDataFormat() != CNN2DFormat.NCHW || convConf.getDilation()[0] != 1
                        || convConf.getDilation()[1] != 1 || window.isEmpty() || weights.size(1) != c
                        || !rowMajor(weights) || !rowMajor(grads.get(ConvolutionParamInitializer.WEIGHT_KEY))) {
                    return Optional.empty();
                }
                Convolution stage = new Convolution(weights, base.getParam(ConvolutionParamInitializer.BIAS_KEY),
                        grads.get(ConvolutionParamInitializer.WEIGHT_KEY), grads.get(ConvolutionParamInitializer.BIAS_KEY),
                        (int) weights.size(0), window.get(), relu, dropout);
                stages.add(stage);
                gradient.setGradientFor(i + "_" + ConvolutionParamInitializer.WEIGHT_KEY, stage.weightGradient());
                gradient.setGradientFor(i + "_" + ConvolutionParamInitializer.BIAS_KEY, stage.biasGradient());
                c = stage.channels();
                h = window.get().out(h, 0);
                w = window.get().out(w, 1);
            } else {
                if (i == last) {
                    var output = (org.deeplearning4j.nn.conf.layers.OutputLayer) layerConf;
                    if (!(output.getLossFn() instanceof LossMCXENT loss) || loss.getWeights() != null) {
                        return Optional.empty();
                    }
                    clipping = loss.getSoftmaxClipEps();
                }
                Map<String, INDArray> grads = DefaultParamInitializer.getInstance()
                        .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
                INDArray weights = base.getParam(DefaultParamInitializer.WEIGHT_KEY);
                if (!columnMajor(weights) || !columnMajor(grads.get(DefaultParamInitializer.WEIGHT_KEY))) {
                    return Optional.empty();
                }
                InnerProduct stage = new InnerProduct(weights, base.getParam(DefaultParamInitializer.BIAS_KEY),
                        grads.get(DefaultParamInitializer.WEIGHT_KEY), grads.get(DefaultParamInitializer.BIAS_KEY),
                        (int) weights.size(1), relu, dropout);
                stages.add(stage);
                gradient.setGradientFor(i + "_" + DefaultParamInitializer.WEIGHT_KEY, stage.weightGradient());
                gradient.setGradientFor(i + "_" + DefaultParamInitializer.BIAS_KEY, stage.biasGradient());
                denseLayers++;
            }
        }
        if (denseLayers == 0 || !(stages.get(0) instanceof Convolution)) {
            return Optional.empty();
        }
        return Optional.of(new FusedCnnTraining(net, List.copyOf(stages), (int) input.getNumChannels(),
                (int) input.getInputHeight(), (int) input.getInputWidth(), clipping, gradient));
    }

    @Override
    public boolean accepts(INDArray features, INDArray labels) {
        InnerProduct output = (InnerProduct) stages.get(stages.size() - 1);
        return OwnTrainingStep.takesBatch(net, features, (long) channels * height * width, labels, output.outputs());
    }

    @Override
    public double fit(INDArray features, INDArray labels) {
        int n = (int) features.size(0);
        double loss = steps.computeIfAbsent(n, this::plan).run(features, labels) + net.calcRegularizationScore(true);

        return OwnTrainingStep.update(net, gradient, update, n, loss);
    }

    /** The kernels oneDNN chose for the step's primitives at batches of {@code n} ({@link PrimitiveChain#kernels}). */
    List<String> kernels(int n) {
        return steps.computeIfAbsent(n, this::plan).chain.kernels();
    }

    /**
     * The forward and backward passes for batches of {@code n}: primitives reading the weights from
     * the network's parameter view each step and writing the gradients into its gradient view, with
     * DL4J's dropout and the softmax loss as Java steps between them.
     */
    private Step plan(int n) {
        Step step = new Step();
        PrimitiveChain chain = new PrimitiveChain(cpu, queue);
        step.chain = chain;
        step.input = chain.over(plain(memory.format_tag.nchw, n, channels, height, width), null);
        List<Forward> forwards = new ArrayList<>();
        memory current = step.input;
        long c = channels;
        long h = height;
        long w = width;
        boolean flat = false;
        INDArray rowsIn = null; // the last dense layer's output as an ND4J array, once there is one
        for (Stage stage : stages) {
            long[] dims = flat ? new long[] {n, c} : new long[] {n, c, h, w};
            if (stage instanceof Convolution conv) {
                if (conv.dropout() != null) {
                    current = dropped(chain, step, conv.dropout(), current, dims, counters);
                }
                SlidingWindow window = conv.window();
                long oh = window.out(h, 0);
                long ow = window.out(w, 1);
                var desc = new convolution_forward.desc(forward_training, convolution_direct, any(dims),
                        any(kernelDims(conv, c)), plain(memory.format_tag.x, conv.channels()),
                        any(n, conv.channels(), oh, ow), window.strides(), window.paddingBefore(), window.paddingAfter());
                var pd = chain.keep(new convolution_forward.primitive_desc(desc, chain.keep(attributes(conv.relu())), cpu));
                memory src = chain.reordered(current, pd.src_desc());
                memory weights = chain.reordered(userWeights(chain, conv.weights(), kernelDims(conv, c)), pd.weights_desc());
                memory dst = chain.memory(pd.dst_desc());
                chain.add(new convolution_forward(pd), Map.of(DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weights,
                        DNNL_ARG_BIAS, chain.over(plain(memory.format_tag.x, conv.channels()), address(conv.bias())),
                        DNNL_ARG_DST, dst));
                forwards.add(new Forward(dims, src, dst, weights, pd, null));
                current = dst;
                c = conv.channels();
                h = oh;
                w = ow;
            } else if (stage instanceof Norm norm) {
                Forward forward = normalized(chain, cpu, step, norm.norm(), current, dims);
                forwards.add(forward);
                current = forward.dst();
            } else if (stage instanceof Rectifier) {
                var pd = chain.keep(new eltwise_forward.primitive_desc(new eltwise_forward.desc(forward_training,
                        eltwise_relu_use_dst_for_bwd, current.get_desc(), 0f, 0f), cpu));
                memory dst = chain.memory(pd.dst_desc());
                chain.add(new eltwise_forward(pd), Map.of(DNNL_ARG_SRC, current, DNNL_ARG_DST, dst));
                forwards.add(new Forward(dims, current, dst, null, pd, null));
                current = dst;
            } else if (stage instanceof Pooling pool) {
                SlidingWindow window = pool.window();
                long oh = window.out(h, 0);
                long ow = window.out(w, 1);
                var desc = new pooling_forward.desc(forward_training, pooling_max, current.get_desc(), any(n, c, oh, ow),
                        window.strides(), window.kernelDims(), window.paddingBefore(), window.paddingAfter());
                var pd = chain.keep(new pooling_forward.primitive_desc(desc, cpu));
                memory dst = chain.memory(pd.dst_desc());
                memory workspace = chain.memory(pd.workspace_desc());
                chain.add(new pooling_forward(pd), Map.of(DNNL_ARG_SRC, current, DNNL_ARG_DST, dst, DNNL_ARG_WORKSPACE, workspace));
                forwards.add(new Forward(dims, current, dst, null, pd, workspace));
                current = dst;
                h = oh;
                w = ow;
            } else if (stage instanceof InnerProduct dense) {
                if (dense.dropout() != null) {
                    current = dropped(chain, step, dense.dropout(), current, dims, counters);
                }
                // The weights in DL4J's layout, which oneDNN's gemm kernel reads as they are: in a layout of
                // oneDNN's choice they were copied in every step and their gradient copied out (0.6 ms of
                // the compact CNN's 27 ms step).
                memory weights = userDenseWeights(chain, dense.weights(), dense, dims);
                var desc = new inner_product_forward.desc(forward_training, any(dims), weights.get_desc(),
                        plain(memory.format_tag.x, dense.outputs()), plain(memory.format_tag.nc, n, dense.outputs()));
                var pd = chain.keep(new inner_product_forward.primitive_desc(desc, chain.keep(attributes(dense.relu())), cpu));
                memory src = chain.reordered(current, pd.src_desc());
                rowsIn = step.array(n, dense.outputs());
                memory dst = chain.over(plain(memory.format_tag.nc, n, dense.outputs()), address(rowsIn));
                chain.add(new inner_product_forward(pd), Map.of(DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weights,
                        DNNL_ARG_BIAS, chain.over(plain(memory.format_tag.x, dense.outputs()), address(dense.bias())),
                        DNNL_ARG_DST, dst));
                forwards.add(new Forward(dims, src, dst, weights, pd, null));
                current = dst;
                c = dense.outputs();
                flat = true;
            }
        }

        memory diff = softmaxLoss(chain, step, rowsIn, n, (int) c, clipping);
        boolean rectified = false; // whether the gradient in diff has passed the ReLU of the stage below already
        for (int s = stages.size() - 1; s >= 0; s--) {
            Stage stage = stages.get(s);
            Forward forward = forwards.get(s);
            long[] dims = forward.srcDims();
            boolean first = s == 0;
            if (stage instanceof InnerProduct dense) {
                diff = reluBackward(chain, cpu, dense.relu(), forward.dst(), diff);
                var fwd = (inner_product_forward.primitive_desc) forward.pd();
                memory gradientWeights = userDenseWeights(chain, dense.weightGradient(), dense, dims);
                var weightsPd = chain.keep(new inner_product_backward_weights.primitive_desc(
                        new inner_product_backward_weights.desc(forward.src().get_desc(), gradientWeights.get_desc(),
                                plain(memory.format_tag.x, dense.outputs()), forward.dst().get_desc()), cpu, fwd));
                chain.add(new inner_product_backward_weights(weightsPd), Map.of(DNNL_ARG_SRC, chain.reordered(forward.src(), weightsPd.src_desc()),
                        DNNL_ARG_DIFF_DST, chain.reordered(diff, weightsPd.diff_dst_desc()), DNNL_ARG_DIFF_WEIGHTS, gradientWeights,
                        DNNL_ARG_DIFF_BIAS, chain.over(plain(memory.format_tag.x, dense.outputs()), address(dense.biasGradient()))));
                if (first) {
                    break;
                }
                var dataPd = chain.keep(new inner_product_backward_data.primitive_desc(new inner_product_backward_data.desc(
                        any(dims), any(denseWeightDims(dense, dims)), forward.dst().get_desc()), cpu, fwd));
                memory below = chain.memory(dataPd.diff_src_desc());
                chain.add(new inner_product_backward_data(dataPd), Map.of(DNNL_ARG_DIFF_DST, chain.reordered(diff, dataPd.diff_dst_desc()),
                        DNNL_ARG_WEIGHTS, chain.reordered(forward.weights(), dataPd.weights_desc()), DNNL_ARG_DIFF_SRC, below));
                diff = dense.dropout() != null ? undropped(chain, step, dense.dropout(), below, dims, counters) : below;
            } else if (stage instanceof Pooling pool) {
                // A ReLU right below a max-pooling: its gradient is taken here, on the pooled outputs, a
                // quarter as many as its own under 2x2 windows. The same numbers: a window's gradient goes
                // to the input that was its maximum, and that input is positive exactly when the maximum is.
                Stage pooled = s > 0 ? stages.get(s - 1) : null;
                rectified = pooled instanceof Rectifier || (pooled instanceof Convolution conv && conv.relu());
                diff = reluBackward(chain, cpu, rectified, forward.dst(), diff);
                var fwd = (pooling_forward.primitive_desc) forward.pd();
                SlidingWindow window = pool.window();
                var pd = chain.keep(new pooling_backward.primitive_desc(new pooling_backward.desc(pooling_max,
                        any(dims), forward.dst().get_desc(), window.strides(), window.kernelDims(), window.paddingBefore(),
                        window.paddingAfter()), cpu, fwd));
                memory below = chain.memory(pd.diff_src_desc());
                chain.add(new pooling_backward(pd), Map.of(DNNL_ARG_DIFF_DST, chain.reordered(diff, pd.diff_dst_desc()),
                        DNNL_ARG_WORKSPACE, forward.workspace(), DNNL_ARG_DIFF_SRC, below));
                diff = below;
            } else if (stage instanceof Convolution conv) {
                diff = reluBackward(chain, cpu, conv.relu() && !rectified, forward.dst(), diff);
                rectified = false;
                var fwd = (convolution_forward.primitive_desc) forward.pd();
                SlidingWindow window = conv.window();
                long[] kernelDims = kernelDims(conv, dims[1]);
                if (dims[1] < FEW_CHANNELS) {
                    weightGradientOverPatches(chain, cpu, window, conv.channels(), conv.weightGradient(), conv.biasGradient(),
                            forward.src(), dims, diff);
                } else {
                    // Layouts left to oneDNN: those of the forward pass can have no fast kernel here.
                    long[] outDims = {dims[0], conv.channels(), window.out(dims[2], 0), window.out(dims[3], 1)};
                    memory gradientWeights = weightGradientStep(chain, cpu, fwd, window, forward.src(), any(dims), outDims, kernelDims,
                            conv.biasGradient(), diff);
                    chain.copy(gradientWeights, userWeights(chain, conv.weightGradient(), kernelDims));
                }
                if (first) {
                    break;
                }
                var dataPd = chain.keep(new convolution_backward_data.primitive_desc(new convolution_backward_data.desc(
                        convolution_direct, any(dims), any(kernelDims), forward.dst().get_desc(), window.strides(),
                        window.paddingBefore(), window.paddingAfter()), cpu, fwd));
                memory below = chain.memory(dataPd.diff_src_desc());
                chain.add(new convolution_backward_data(dataPd), Map.of(DNNL_ARG_DIFF_DST, chain.reordered(diff, dataPd.diff_dst_desc()),
                        DNNL_ARG_WEIGHTS, chain.reordered(forward.weights(), dataPd.weights_desc()), DNNL_ARG_DIFF_SRC, below));
                diff = conv.dropout() != null ? undropped(chain, step, conv.dropout(), below, dims, counters) : below;
            } else if (stage instanceof Norm norm) {
                diff = normalizedBackward(chain, cpu, norm.norm(), forward, diff);
            } else if (stage instanceof Rectifier) {
                diff = reluBackward(chain, cpu, !rectified, forward.dst(), diff);
                rectified = false;
            }
        }
        return step;
    }

    /** A convolution's weight dimensions, (out, in, kH, kW), over {@code in} input channels. */
    private static long[] kernelDims(Convolution conv, long in) {
        return new long[] {conv.channels(), in, conv.window().kernel()[0], conv.window().kernel()[1]};
    }

    /** A dense layer's weight dimensions over input {@code srcDims}: (out, in), or (out, c, h, w) on the first. */
    private static long[] denseWeightDims(InnerProduct dense, long[] srcDims) {
        long[] dims = srcDims.clone();
        dims[0] = dense.outputs();
        return dims;
    }

    /**
     * A dense layer's weights (or their gradient) where DL4J keeps them: {@code [in, out]} column-major,
     * so (out, in) row after row, {@code in} in the NCHW order of the flattening on the first dense layer.
     */
    private static memory userDenseWeights(PrimitiveChain chain, INDArray view, InnerProduct dense, long[] srcDims) {
        memory.format_tag tag = srcDims.length == 2 ? memory.format_tag.oi : memory.format_tag.oihw;
        return chain.over(plain(tag, denseWeightDims(dense, srcDims)), address(view));
    }

}
