package org.fmnist.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.algorithm.binary_add;
import static org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.algorithm.pooling_avg_exclude_padding;
import static org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training;
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
import static org.fmnist.engine.FusedInference.any;
import static org.fmnist.engine.FusedInference.attributes;
import static org.fmnist.engine.FusedInference.plain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.binary;
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
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.pooling.GlobalPoolingLayer;
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
 * A gradient step for a {@link ComputationGraph} of images, such as models' {@code resnet}: the
 * forward pass vertex after vertex in the graph's topological order and the backward pass in the
 * reverse, as oneDNN primitives called directly, like {@link FusedCnnTraining}'s for a stack of layers.
 * What a graph adds: a vertex read by several others (a pre-activation block's normalised input, read by
 * its convolution and its projection; a block's sum, read by the next block and its shortcut) gets the
 * sum of their gradients; a residual addition passes its gradient to each input; global average pooling.
 *
 * <p>As in {@link FusedCnnTraining}: the weights are read where DL4J keeps them and the gradients
 * written into its gradient view, a batch norm's running statistics move by DL4J's "gradient" for them,
 * dropout is the layer's own, and the graph's updater makes the update. {@code FusedGraphTrainingTest}
 * compares losses, updates, weights and statistics with DL4J's step, step after step.
 */
final class FusedGraphTraining implements OwnTrainingStep {

    private sealed interface Stage permits Convolution, Norm, Rectifier, Sum, GlobalAverage, Output {}

    /** A convolution: views of its weights ({@code [out, in, kH, kW]}), bias (null: none) and their gradients. */
    private record Convolution(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient,
                               int channels, SlidingWindow window, boolean relu) implements Stage {}

    /** A batch norm over the channels of images. */
    private record Norm(Normalization norm) implements Stage {}

    /** An activation layer's plain ReLU. */
    private record Rectifier() implements Stage {}

    /** An {@code ElementWiseVertex} that adds its inputs. */
    private record Sum() implements Stage {}

    /** Global average pooling over each channel's whole image. */
    private record GlobalAverage() implements Stage {}

    /**
     * The softmax output layer over rows of features: views of its weights ({@code [in, out]},
     * column-major) and bias, their gradients, and the dropout on its input (null: none).
     */
    private record Output(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient,
                          int outputs, IDropout dropout) implements Stage {}

    /**
     * A vertex: its stage over the outputs of the vertices named {@code inputs}, whose output is
     * {@code in} for one row ((channels, height, width) or (features)); its own output is {@code out}.
     */
    private record Node(String name, List<String> inputs, Stage stage, long[] in, long[] out) {}

    private final ComputationGraph graph;
    private final String input;
    private final long[] inputDims;
    private final List<Node> nodes;
    private final double clipping;
    private final DefaultGradient gradient;
    private final INDArray update;
    private final Counters counters;
    private final engine cpu = new engine(engine.kind.cpu, 0);
    private final stream queue = new stream(cpu);
    private final Map<Integer, Step> steps = new HashMap<>();

    private FusedGraphTraining(ComputationGraph graph, String input, long[] inputDims, List<Node> nodes, double clipping,
                               DefaultGradient gradient) {
        this.graph = graph;
        this.input = input;
        this.inputDims = inputDims;
        this.nodes = nodes;
        this.clipping = clipping;
        this.gradient = gradient;
        this.update = graph.getFlattenedGradients().reshape(graph.params().shape());
        this.counters = new Counters(graph::getIterationCount, graph::getEpochCount);
    }

    /**
     * The step for {@code graph}, or empty when DL4J's own must run: one input of images in rows (the
     * vertices reading it turn the rows into NCHW images), one output, a softmax output layer on
     * unweighted cross-entropy after global average pooling; other vertices convolutions (NCHW,
     * undilated, ReLU or none, with or without a bias), batch norms over images, ReLU activation layers
     * and additions; dropout only on the output layer's input, and only plain dropout; no weight noise,
     * constraints or gradient normalisation.
     */
    static Optional<FusedGraphTraining> of(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (graph.getFlattenedGradients() == null || conf.getNetworkInputs().size() != 1
                || conf.getNetworkOutputs().size() != 1) {
            return Optional.empty();
        }
        String input = conf.getNetworkInputs().get(0);
        String output = conf.getNetworkOutputs().get(0);
        DefaultGradient gradient = new NetworkGradient(graph::getFlattenedGradients);
        Map<String, long[]> shapes = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        long[] inputDims = null;
        double clipping = 0;
        var vertices = graph.getVertices();
        for (int index : graph.topologicalSortOrder()) {
            String name = vertices[index].getVertexName();
            if (name.equals(input)) {
                continue;
            }
            if (!nodes.isEmpty() && nodes.get(nodes.size() - 1).stage() instanceof Output) {
                return Optional.empty(); // the output layer must come last
            }
            GraphVertex vertex = conf.getVertices().get(name);
            List<String> in = conf.getVertexInputs().get(name);
            if (vertex instanceof ElementWiseVertex add) {
                if (add.getOp() != ElementWiseVertex.Op.Add || in.size() < 2 || in.contains(input)) {
                    return Optional.empty();
                }
                long[] first = shapes.get(in.get(0));
                if (first.length != 3 || in.stream().anyMatch(other -> !Arrays.equals(shapes.get(other), first))) {
                    return Optional.empty();
                }
                nodes.add(new Node(name, in, new Sum(), first, first));
                shapes.put(name, first);
                continue;
            }
            if (!(vertex instanceof LayerVertex layerVertex) || in.size() != 1) {
                return Optional.empty();
            }
            long[] d;
            if (in.get(0).equals(input)) {
                if (!(layerVertex.getPreProcessor() instanceof FeedForwardToCnnPreProcessor images)) {
                    return Optional.empty();
                }
                d = new long[] {images.getNumChannels(), images.getInputHeight(), images.getInputWidth()};
                if (inputDims != null && !Arrays.equals(inputDims, d)) {
                    return Optional.empty();
                }
                inputDims = d;
                shapes.put(input, d);
            } else if (layerVertex.getPreProcessor() == null) {
                d = shapes.get(in.get(0));
            } else {
                return Optional.empty();
            }
            Layer layer = graph.getLayer(name);
            Optional<Stage> stage = stage(layer, d, name.equals(output), gradient, name);
            if (stage.isEmpty()) {
                return Optional.empty();
            }
            long[] out = d;
            if (stage.get() instanceof Convolution conv) {
                out = new long[] {conv.channels(), conv.window().out(d[1], 0), conv.window().out(d[2], 1)};
            } else if (stage.get() instanceof GlobalAverage) {
                out = new long[] {d[0]};
            } else if (stage.get() instanceof Output dense) {
                out = new long[] {dense.outputs()};
            }
            if (stage.get() instanceof Output) {
                clipping = ((LossMCXENT) ((org.deeplearning4j.nn.conf.layers.OutputLayer) layer.conf().getLayer()).getLossFn())
                        .getSoftmaxClipEps();
            }
            nodes.add(new Node(name, in, stage.get(), d, out));
            shapes.put(name, out);
        }
        if (inputDims == null || nodes.isEmpty() || !(nodes.get(nodes.size() - 1).stage() instanceof Output)
                || !nodes.get(nodes.size() - 1).name().equals(output)) {
            return Optional.empty();
        }
        return Optional.of(new FusedGraphTraining(graph, input, inputDims, List.copyOf(nodes), clipping, gradient));
    }

    /**
     * The stage of layer vertex {@code name} over inputs of {@code d} per row, with its gradients
     * registered in {@code gradient} under DL4J's keys; empty for a layer the step does not take.
     */
    private static Optional<Stage> stage(Layer layer, long[] d, boolean last, DefaultGradient gradient, String name) {
        var layerConf = layer.conf().getLayer();
        boolean images = d.length == 3;
        if (layer.getClass() == ActivationLayer.class) {
            var activation = (org.deeplearning4j.nn.conf.layers.ActivationLayer) layerConf;
            return FusedInference.isPlainReLU(activation.getActivationFn()) && activation.getIDropout() == null
                    ? Optional.of(new Rectifier()) : Optional.empty();
        }
        if (layer.getClass() == GlobalPoolingLayer.class) {
            var global = (org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer) layerConf;
            int[] dims = global.getPoolingDimensions();
            boolean overImage = dims == null || Arrays.equals(dims, new int[] {2, 3});
            return images && overImage && global.isCollapseDimensions() && global.getPoolingType() == PoolingType.AVG
                    && global.getIDropout() == null ? Optional.of(new GlobalAverage()) : Optional.empty();
        }
        if (layer.getClass() == BatchNormalization.class && images) {
            Optional<Normalization> norm = Normalization.of((BatchNormalization) layer, (int) d[0]);
            norm.ifPresent(n -> n.register(gradient, name));
            return norm.map(Norm::new);
        }
        boolean convolution = layer.getClass() == ConvolutionLayer.class && images;
        boolean dense = layer.getClass() == OutputLayer.class && last && !images;
        if ((!convolution && !dense) || !plainlyTrained(layer)) {
            return Optional.empty();
        }
        BaseLayer<?> base = (BaseLayer<?>) layer;
        var baseConf = (org.deeplearning4j.nn.conf.layers.BaseLayer) layerConf;
        IActivation fn = baseConf.getActivationFn();
        IDropout dropout = baseConf.getIDropout();
        if (base.hasLayerNorm()) {
            return Optional.empty();
        }
        if (convolution) {
            var convConf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) baseConf;
            boolean relu = FusedInference.isPlainReLU(fn);
            Map<String, INDArray> grads = ConvolutionParamInitializer.getInstance()
                    .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
            INDArray weights = base.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
            Optional<SlidingWindow> window = SlidingWindow.of(convConf, d[1], d[2]);
            if (dropout != null || (!relu && !(fn instanceof ActivationIdentity)) || convConf.getCnn2dDataFormat() != CNN2DFormat.NCHW
                    || convConf.getDilation()[0] != 1 || convConf.getDilation()[1] != 1 || window.isEmpty()
                    || weights.size(1) != d[0] || !rowMajor(weights) || !rowMajor(grads.get(ConvolutionParamInitializer.WEIGHT_KEY))) {
                return Optional.empty();
            }
            boolean bias = base.hasBias();
            Convolution stage = new Convolution(weights, bias ? base.getParam(ConvolutionParamInitializer.BIAS_KEY) : null,
                    grads.get(ConvolutionParamInitializer.WEIGHT_KEY), bias ? grads.get(ConvolutionParamInitializer.BIAS_KEY) : null,
                    (int) weights.size(0), window.get(), relu);
            gradient.setGradientFor(name + "_" + ConvolutionParamInitializer.WEIGHT_KEY, stage.weightGradient());
            if (bias) {
                gradient.setGradientFor(name + "_" + ConvolutionParamInitializer.BIAS_KEY, stage.biasGradient());
            }
            return Optional.of(stage);
        }
        var outputConf = (org.deeplearning4j.nn.conf.layers.OutputLayer) baseConf;
        Map<String, INDArray> grads = DefaultParamInitializer.getInstance()
                .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
        INDArray weights = base.getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (!(fn instanceof ActivationSoftmax) || !base.hasBias() || !(outputConf.getLossFn() instanceof LossMCXENT loss)
                || loss.getWeights() != null || (dropout != null && dropout.getClass() != Dropout.class)
                || !columnMajor(weights) || !columnMajor(grads.get(DefaultParamInitializer.WEIGHT_KEY))) {
            return Optional.empty();
        }
        Output stage = new Output(weights, base.getParam(DefaultParamInitializer.BIAS_KEY),
                grads.get(DefaultParamInitializer.WEIGHT_KEY), grads.get(DefaultParamInitializer.BIAS_KEY),
                (int) weights.size(1), dropout);
        gradient.setGradientFor(name + "_" + DefaultParamInitializer.WEIGHT_KEY, stage.weightGradient());
        gradient.setGradientFor(name + "_" + DefaultParamInitializer.BIAS_KEY, stage.biasGradient());
        return Optional.of(stage);
    }

    @Override
    public boolean accepts(INDArray features, INDArray labels) {
        Output output = (Output) nodes.get(nodes.size() - 1).stage();
        return graph.getListeners().isEmpty()
                && OwnTrainingStep.takesBatch(features, inputDims[0] * inputDims[1] * inputDims[2], labels, output.outputs());
    }

    @Override
    public double fit(INDArray features, INDArray labels) {
        int n = (int) features.size(0);
        double loss = steps.computeIfAbsent(n, this::plan).run(features, labels) + graph.calcRegularizationScore(true);
        return OwnTrainingStep.update(graph, gradient, update, n, loss);
    }

    /** The kernels oneDNN chose for the step's primitives at batches of {@code n} ({@link PrimitiveChain#kernels}). */
    List<String> kernels(int n) {
        return steps.computeIfAbsent(n, this::plan).chain.kernels();
    }

    /** The forward and backward passes for batches of {@code n}. */
    private Step plan(int n) {
        Step step = new Step();
        PrimitiveChain chain = new PrimitiveChain(cpu, queue);
        step.chain = chain;
        step.input = chain.over(plain(memory.format_tag.nchw, n, inputDims[0], inputDims[1], inputDims[2]), null);
        Map<String, memory> values = new HashMap<>();
        values.put(input, step.input);
        Map<String, Forward> forwards = new HashMap<>();
        INDArray logits = null;
        for (Node node : nodes) {
            memory in = values.get(node.inputs().get(0));
            long[] dims = withRows(n, node.in());
            memory out;
            if (node.stage() instanceof Convolution conv) {
                long[] outDims = withRows(n, node.out());
                var desc = conv.bias() == null
                        ? new convolution_forward.desc(forward_training, convolution_direct, any(dims), any(kernelDims(conv, dims)),
                                any(outDims), conv.window().strides(), conv.window().paddingBefore(), conv.window().paddingAfter())
                        : new convolution_forward.desc(forward_training, convolution_direct, any(dims), any(kernelDims(conv, dims)),
                                plain(memory.format_tag.x, conv.channels()), any(outDims), conv.window().strides(),
                                conv.window().paddingBefore(), conv.window().paddingAfter());
                var pd = chain.keep(new convolution_forward.primitive_desc(desc, chain.keep(attributes(conv.relu())), cpu));
                memory src = chain.reordered(in, pd.src_desc());
                memory weights = chain.reordered(userWeights(chain, conv.weights(), kernelDims(conv, dims)), pd.weights_desc());
                out = chain.memory(pd.dst_desc());
                Map<Integer, memory> args = new HashMap<>(Map.of(DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weights, DNNL_ARG_DST, out));
                if (conv.bias() != null) {
                    args.put(DNNL_ARG_BIAS, chain.over(plain(memory.format_tag.x, conv.channels()), address(conv.bias())));
                }
                chain.add(new convolution_forward(pd), args);
                forwards.put(node.name(), new Forward(dims, src, out, weights, pd, null));
            } else if (node.stage() instanceof Norm norm) {
                Forward forward = normalized(chain, cpu, step, norm.norm(), in, dims);
                out = forward.dst();
                forwards.put(node.name(), forward);
            } else if (node.stage() instanceof Rectifier) {
                var pd = chain.keep(new eltwise_forward.primitive_desc(new eltwise_forward.desc(forward_training,
                        eltwise_relu_use_dst_for_bwd, in.get_desc(), 0f, 0f), cpu));
                out = chain.memory(pd.dst_desc());
                chain.add(new eltwise_forward(pd), Map.of(DNNL_ARG_SRC, in, DNNL_ARG_DST, out));
                forwards.put(node.name(), new Forward(dims, in, out, null, pd, null));
            } else if (node.stage() instanceof Sum) {
                out = in;
                for (String other : node.inputs().subList(1, node.inputs().size())) {
                    out = added(chain, out, values.get(other));
                }
            } else if (node.stage() instanceof GlobalAverage) {
                var pd = chain.keep(new pooling_forward.primitive_desc(globalAverage(dims, in.get_desc()), cpu));
                memory pooled = chain.memory(pd.dst_desc());
                chain.add(new pooling_forward(pd), Map.of(DNNL_ARG_SRC, in, DNNL_ARG_DST, pooled));
                // (n, c, 1, 1) in whatever layout is (n, c) rows once plain.
                memory rows = chain.memory(plain(memory.format_tag.nchw, n, dims[1], 1, 1));
                chain.copy(pooled, rows);
                out = chain.over(plain(memory.format_tag.nc, n, dims[1]), rows.get_data_handle());
                forwards.put(node.name(), new Forward(dims, in, pooled, null, pd, null));
            } else if (node.stage() instanceof Output dense) {
                memory src = dense.dropout() != null
                        ? dropped(chain, step, dense.dropout(), in, dims, counters) : in;
                memory weights = chain.over(plain(memory.format_tag.oi, dense.outputs(), dims[1]), address(dense.weights()));
                var pd = chain.keep(new inner_product_forward.primitive_desc(new inner_product_forward.desc(forward_training,
                        plain(memory.format_tag.nc, dims), weights.get_desc(), plain(memory.format_tag.x, dense.outputs()),
                        plain(memory.format_tag.nc, n, dense.outputs())), cpu));
                logits = step.array(n, dense.outputs());
                out = chain.over(plain(memory.format_tag.nc, n, dense.outputs()), address(logits));
                memory rows = chain.reordered(src, pd.src_desc());
                chain.add(new inner_product_forward(pd), Map.of(DNNL_ARG_SRC, rows, DNNL_ARG_WEIGHTS, weights,
                        DNNL_ARG_BIAS, chain.over(plain(memory.format_tag.x, dense.outputs()), address(dense.bias())),
                        DNNL_ARG_DST, out));
                forwards.put(node.name(), new Forward(dims, rows, out, weights, pd, null));
            } else {
                throw new IllegalStateException("no primitives for " + node.stage());
            }
            values.put(node.name(), out);
        }

        Node last = nodes.get(nodes.size() - 1);
        // Each vertex's gradient, summed over its readers' as they are computed, from the output back.
        Map<String, memory> diffs = new HashMap<>();
        diffs.put(last.name(), softmaxLoss(chain, step, logits, n, (int) last.out()[0], clipping));
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            memory diff = diffs.get(node.name());
            Forward forward = forwards.get(node.name());
            long[] dims = withRows(n, node.in());
            String from = node.inputs().get(0);
            boolean needsInputGradient = !from.equals(input);
            if (node.stage() instanceof Output dense) {
                var fwd = (inner_product_forward.primitive_desc) forward.pd();
                memory gradientWeights = chain.over(forward.weights().get_desc(), address(dense.weightGradient()));
                var weightsPd = chain.keep(new inner_product_backward_weights.primitive_desc(
                        new inner_product_backward_weights.desc(forward.src().get_desc(), gradientWeights.get_desc(),
                                plain(memory.format_tag.x, dense.outputs()), forward.dst().get_desc()), cpu, fwd));
                chain.add(new inner_product_backward_weights(weightsPd), Map.of(DNNL_ARG_SRC, forward.src(),
                        DNNL_ARG_DIFF_DST, diff, DNNL_ARG_DIFF_WEIGHTS, gradientWeights,
                        DNNL_ARG_DIFF_BIAS, chain.over(plain(memory.format_tag.x, dense.outputs()), address(dense.biasGradient()))));
                var dataPd = chain.keep(new inner_product_backward_data.primitive_desc(new inner_product_backward_data.desc(
                        plain(memory.format_tag.nc, dims), forward.weights().get_desc(), forward.dst().get_desc()), cpu, fwd));
                memory below = chain.memory(dataPd.diff_src_desc());
                chain.add(new inner_product_backward_data(dataPd), Map.of(DNNL_ARG_DIFF_DST, diff,
                        DNNL_ARG_WEIGHTS, forward.weights(), DNNL_ARG_DIFF_SRC, below));
                contribute(chain, diffs, from, dense.dropout() != null
                        ? undropped(chain, step, dense.dropout(), below, dims, counters) : below);
            } else if (node.stage() instanceof GlobalAverage) {
                var fwd = (pooling_forward.primitive_desc) forward.pd();
                // The rows' gradient as (n, c, 1, 1) images: plain rows already (the output layer's gradient
                // is), so no copy unless a reader left it otherwise.
                memory rows = chain.reordered(diff, plain(memory.format_tag.nc, dims[0], dims[1]));
                memory images = chain.over(plain(memory.format_tag.nchw, dims[0], dims[1], 1, 1), rows.get_data_handle());
                // The forward pass's layout for the gradient: left to oneDNN, it can take the reference kernel.
                var pd = chain.keep(new pooling_backward.primitive_desc(new pooling_backward.desc(pooling_avg_exclude_padding,
                        forward.src().get_desc(), forward.dst().get_desc(), new long[] {dims[2], dims[3]}, new long[] {dims[2], dims[3]},
                        new long[] {0, 0}, new long[] {0, 0}), cpu, fwd));
                memory below = chain.memory(pd.diff_src_desc());
                chain.add(new pooling_backward(pd), Map.of(DNNL_ARG_DIFF_DST, chain.reordered(images, pd.diff_dst_desc()),
                        DNNL_ARG_DIFF_SRC, below));
                contribute(chain, diffs, from, below);
            } else if (node.stage() instanceof Rectifier) {
                contribute(chain, diffs, from, reluBackward(chain, cpu, true, forward.dst(), diff));
            } else if (node.stage() instanceof Sum) {
                node.inputs().forEach(each -> contribute(chain, diffs, each, diff));
            } else if (node.stage() instanceof Norm norm) {
                contribute(chain, diffs, from, normalizedBackward(chain, cpu, norm.norm(), forward, diff));
            } else if (node.stage() instanceof Convolution conv) {
                memory atOutput = reluBackward(chain, cpu, conv.relu(), forward.dst(), diff);
                var fwd = (convolution_forward.primitive_desc) forward.pd();
                long[] kernelDims = kernelDims(conv, dims);
                if (dims[1] < FEW_CHANNELS) {
                    weightGradientOverPatches(chain, cpu, conv.window(), conv.channels(), conv.weightGradient(),
                            conv.biasGradient(), forward.src(), dims, atOutput);
                } else {
                    memory gradientWeights = weightGradientStep(chain, cpu, fwd, conv.window(), forward.src(),
                            any(dims), withRows(n, node.out()), kernelDims, conv.biasGradient(), atOutput);
                    chain.copy(gradientWeights, userWeights(chain, conv.weightGradient(), kernelDims));
                }
                if (needsInputGradient) {
                    var dataPd = chain.keep(new convolution_backward_data.primitive_desc(new convolution_backward_data.desc(
                            convolution_direct, any(dims), any(kernelDims), forward.dst().get_desc(), conv.window().strides(),
                            conv.window().paddingBefore(), conv.window().paddingAfter()), cpu, fwd));
                    memory below = chain.memory(dataPd.diff_src_desc());
                    chain.add(new convolution_backward_data(dataPd), Map.of(DNNL_ARG_DIFF_DST, chain.reordered(atOutput, dataPd.diff_dst_desc()),
                            DNNL_ARG_WEIGHTS, chain.reordered(forward.weights(), dataPd.weights_desc()), DNNL_ARG_DIFF_SRC, below));
                    contribute(chain, diffs, from, below);
                }
            }
        }
        return step;
    }

    /**
     * Adds {@code gradient} to what vertex {@code name}'s readers have given it so far: the first is
     * kept as it is, each further one added by a primitive into new memory (none is written in place: a
     * residual addition hands the same gradient to both its inputs).
     */
    private void contribute(PrimitiveChain chain, Map<String, memory> diffs, String name, memory gradient) {
        if (name.equals(input)) {
            return;
        }
        memory before = diffs.get(name);
        diffs.put(name, before == null ? gradient : added(chain, before, gradient));
    }

    /** {@code a + b} into new memory laid out as {@code a}. */
    private memory added(PrimitiveChain chain, memory a, memory b) {
        var pd = chain.keep(new binary.primitive_desc(new binary.desc(binary_add, a.get_desc(), a.get_desc(), a.get_desc()), cpu));
        memory sum = chain.memory(pd.dst_desc());
        chain.add(new binary(pd), Map.of(DNNL_ARG_SRC_0, a, DNNL_ARG_SRC_1, chain.reordered(b, a.get_desc()), DNNL_ARG_DST, sum));
        return sum;
    }

    /** Average pooling over the whole image of {@code dims} (n, c, h, w), for training. */
    private static pooling_forward.desc globalAverage(long[] dims, memory.desc src) {
        long[] whole = {dims[2], dims[3]};
        return new pooling_forward.desc(forward_training, pooling_avg_exclude_padding, src, any(dims[0], dims[1], 1, 1),
                whole, whole, new long[] {0, 0}, new long[] {0, 0});
    }

    private static long[] kernelDims(Convolution conv, long[] srcDims) {
        return new long[] {conv.channels(), srcDims[1], conv.window().kernel()[0], conv.window().kernel()[1]};
    }

    private static long[] withRows(long n, long[] perRow) {
        long[] dims = new long[perRow.length + 1];
        dims[0] = n;
        System.arraycopy(perRow, 0, dims, 1, perRow.length);
        return dims;
    }
}
