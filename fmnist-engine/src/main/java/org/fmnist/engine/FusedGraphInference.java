package org.fmnist.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.algorithm.binary_add;
import static org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.prop_kind.forward_inference;
import static org.fmnist.engine.FusedInference.any;
import static org.fmnist.engine.FusedInference.attributes;
import static org.fmnist.engine.FusedInference.plain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.SlidingWindow;
import org.fmnist.engine.FusedInference.Convolution;
import org.fmnist.engine.FusedInference.InnerProduct;
import org.fmnist.engine.FusedInference.Pooling;
import org.fmnist.engine.FusedInference.Stage;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Inference for a {@link ComputationGraph} of images, such as the residual networks of models'
 * {@code resnet}, as one chain of oneDNN primitives, vertex after vertex in the graph's topological
 * order: {@link FusedInference}'s convolutions (with a batch norm that only they feed folded into their
 * weights, and a ReLU that only that feeds fused), pooling and dense layers, and for what a graph adds,
 * batch norms that read a vertex others read too (a pre-activation block's) as a per-channel scale and
 * shift with their ReLU fused, residual additions, global pooling. Every array between the input and
 * the softmax stays in the layout oneDNN picks.
 *
 * <p>Why: a graph's {@code output()} goes through DL4J's layers one by one, and each convolution converts
 * its input to oneDNN's blocked layout and its output back (see {@link FusedInference}); the residual
 * network's evaluation, {@code predict}, {@code score} and {@code ensemble} took that path.
 *
 * <p>Planned once per batch size from the weights at the time {@link #of} is called.
 * {@code FusedGraphInferenceTest} compares its probabilities with the graph's own {@code output()}.
 */
final class FusedGraphInference extends ChainInference {

    /** A batch norm on its own, as what it is at inference: {@code y = scale * x + shift} per channel, then a ReLU or not. */
    private record Affine(float[] scale, float[] shift, boolean relu) implements Stage {}

    /** A ReLU layer that no convolution or batch norm before it took in. */
    private record Rectifier() implements Stage {}

    /** An {@code ElementWiseVertex} that adds its inputs. */
    private record Sum() implements Stage {}

    /** Global max- or average-pooling over each channel's whole image. */
    private record GlobalPooling(boolean max) implements Stage {}

    /** A vertex as the chain computes it: its stage over the outputs of the vertices named {@code inputs}. */
    private record Node(String name, List<String> inputs, Stage stage) {}

    /** The dimensions of a vertex's output for one row: (channels, height, width) of images, or (features). */
    private record Shape(long[] dims) {
        boolean flat() {
            return dims.length == 1;
        }
    }

    private final String input;
    private final long[] inputDims;
    private final List<Node> nodes;
    /** Each node's output shape (and the input's), as {@link #of} found them. */
    private final Map<String, Shape> shapes;
    private final String output;
    private final int classes;

    private FusedGraphInference(String input, long[] inputDims, List<Node> nodes, Map<String, Shape> shapes,
                                String output, int classes) {
        this.input = input;
        this.inputDims = inputDims;
        this.nodes = nodes;
        this.shapes = shapes;
        this.output = output;
        this.classes = classes;
    }

    /**
     * The fused inference of {@code graph}, or empty for a graph it does not cover: one input of images
     * in rows (each vertex reading it turns the rows into NCHW images), one output, a softmax output
     * layer; vertices that are layers {@link FusedInference} covers, batch norms anywhere on images
     * (NCHW), ReLU or identity activation layers, dropout layers, global max- or average-pooling over
     * the image, or additions.
     */
    static Optional<BatchInference> of(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            return Optional.empty();
        }
        String input = conf.getNetworkInputs().get(0);
        Map<String, List<String>> inputsOf = conf.getVertexInputs();
        // Each vertex's readers: a batch norm or ReLU folds into the vertex before it only when it alone reads it.
        Map<String, List<String>> readers = new HashMap<>();
        inputsOf.forEach((reader, names) -> names.forEach(name -> readers.computeIfAbsent(name, k -> new ArrayList<>()).add(reader)));
        // Vertices merged into the one before them (a folded batch norm, a fused ReLU): name -> the node computing it.
        Map<String, String> computedBy = new HashMap<>();
        Map<String, Shape> shapes = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        long[] inputDims = null;
        var vertices = graph.getVertices();
        for (int index : graph.topologicalSortOrder()) {
            String name = vertices[index].getVertexName();
            if (name.equals(input)) {
                continue;
            }
            if (computedBy.containsKey(name)) {
                continue;
            }
            GraphVertex vertex = conf.getVertices().get(name);
            List<String> in = inputsOf.get(name).stream().map(n -> computedBy.getOrDefault(n, n)).toList();
            if (vertex instanceof ElementWiseVertex add) {
                if (add.getOp() != ElementWiseVertex.Op.Add || in.size() < 2 || in.contains(input)) {
                    return Optional.empty();
                }
                Shape first = shapes.get(in.get(0));
                for (String other : in) {
                    if (!java.util.Arrays.equals(shapes.get(other).dims(), first.dims())) {
                        return Optional.empty();
                    }
                }
                nodes.add(new Node(name, in, new Sum()));
                shapes.put(name, first);
                continue;
            }
            if (!(vertex instanceof LayerVertex layerVertex) || in.size() != 1) {
                return Optional.empty();
            }
            Shape shape;
            InputPreProcessor preprocessor = layerVertex.getPreProcessor();
            if (in.get(0).equals(input)) {
                if (!(preprocessor instanceof FeedForwardToCnnPreProcessor images)) {
                    return Optional.empty();
                }
                long[] dims = {images.getNumChannels(), images.getInputHeight(), images.getInputWidth()};
                if (inputDims != null && !java.util.Arrays.equals(inputDims, dims)) {
                    return Optional.empty();
                }
                inputDims = dims;
                shape = new Shape(dims);
            } else {
                shape = shapes.get(in.get(0));
                if (preprocessor != null) {
                    if (shape.flat() || !(preprocessor instanceof CnnToFeedForwardPreProcessor flatten)
                            || flatten.getFormat() != CNN2DFormat.NCHW || flatten.getNumChannels() != shape.dims()[0]
                            || flatten.getInputHeight() != shape.dims()[1] || flatten.getInputWidth() != shape.dims()[2]) {
                        return Optional.empty();
                    }
                    // A dense layer reads the (channel, height, width) features of images as they lie.
                }
            }
            org.deeplearning4j.nn.conf.layers.Layer layer = layerVertex.getLayerConf().getLayer();
            Layer own = graph.getLayer(name);
            Optional<Node> node = node(graph, name, in, shape, layer, own, readers, computedBy, shapes);
            if (node.isEmpty()) {
                return Optional.empty();
            }
            if (node.get().stage() != null) {
                nodes.add(node.get());
            }
        }
        String output = conf.getNetworkOutputs().get(0);
        if (inputDims == null || nodes.isEmpty() || !nodes.get(nodes.size() - 1).name().equals(output)
                || !(nodes.get(nodes.size() - 1).stage() instanceof InnerProduct last) || last.relu()
                || !(((LayerVertex) conf.getVertices().get(output)).getLayerConf().getLayer() instanceof OutputLayer)) {
            return Optional.empty();
        }
        shapes.put(input, new Shape(inputDims));
        return Optional.of(new FusedGraphInference(input, inputDims, List.copyOf(nodes), Map.copyOf(shapes), output,
                last.outputs()));
    }

    /**
     * The node for layer vertex {@code name} over {@code in} (of {@code shape}), with what it takes in of
     * the vertices after it recorded in {@code computedBy} and its output's shape in {@code shapes}; a
     * node without a stage for a layer that passes its input on at inference (dropout, identity); empty
     * for a layer the chain does not take.
     */
    private static Optional<Node> node(ComputationGraph graph, String name, List<String> in, Shape shape,
                                       org.deeplearning4j.nn.conf.layers.Layer layer, Layer own,
                                       Map<String, List<String>> readers, Map<String, String> computedBy,
                                       Map<String, Shape> shapes) {
        long[] d = shape.dims();
        if (layer.getClass() == DropoutLayer.class || (layer.getClass() == ActivationLayer.class
                && ((ActivationLayer) layer).getActivationFn() instanceof ActivationIdentity)) {
            computedBy.put(name, in.get(0));
            return Optional.of(new Node(name, in, null));
        }
        if (!shape.flat() && layer.getClass() == ConvolutionLayer.class) {
            Optional<Convolution> conv = FusedInference.convolution((ConvolutionLayer) layer, (BaseLayer<?>) own,
                    (int) d[0], (int) d[1], (int) d[2]);
            if (conv.isEmpty()) {
                return Optional.empty();
            }
            Convolution stage = conv.get();
            // A batch norm that only this convolution feeds is folded into it, and a ReLU that only that feeds fused.
            String last = name;
            String norm = onlyReader(graph, name, readers);
            if (!stage.relu() && norm != null && isNormOverImages(graph, norm)) {
                stage = FusedInference.folded(stage, graph.getLayer(norm));
                computedBy.put(norm, name);
                last = norm;
            }
            String relu = onlyReader(graph, last, readers);
            if (!stage.relu() && relu != null && isReLULayer(graph, relu)) {
                stage = new Convolution(stage.weights(), stage.bias(), stage.channels(), stage.window(), true);
                computedBy.put(relu, name);
            }
            shapes.put(name, new Shape(new long[] {stage.channels(), stage.window().out(d[1], 0), stage.window().out(d[2], 1)}));
            return Optional.of(new Node(name, in, stage));
        }
        if (!shape.flat() && isNormOverImages(graph, name)) {
            float[][] affine = FusedInference.affine(own, (int) d[0]);
            String relu = onlyReader(graph, name, readers);
            boolean fused = relu != null && isReLULayer(graph, relu);
            if (fused) {
                computedBy.put(relu, name);
            }
            shapes.put(name, shape);
            return Optional.of(new Node(name, in, new Affine(affine[0], affine[1], fused)));
        }
        if (layer.getClass() == ActivationLayer.class) {
            if (!FusedInference.isPlainReLU(((ActivationLayer) layer).getActivationFn())) {
                return Optional.empty();
            }
            shapes.put(name, shape);
            return Optional.of(new Node(name, in, new Rectifier()));
        }
        if (!shape.flat() && layer.getClass() == SubsamplingLayer.class) {
            Optional<Pooling> pool = FusedInference.pooling((SubsamplingLayer) layer, (int) d[1], (int) d[2]);
            if (pool.isEmpty()) {
                return Optional.empty();
            }
            shapes.put(name, new Shape(new long[] {d[0], pool.get().window().out(d[1], 0), pool.get().window().out(d[2], 1)}));
            return Optional.of(new Node(name, in, pool.get()));
        }
        if (!shape.flat() && layer instanceof GlobalPoolingLayer global) {
            int[] dims = global.getPoolingDimensions();
            boolean overImage = dims == null || java.util.Arrays.equals(dims, new int[] {2, 3});
            PoolingType type = global.getPoolingType();
            if (!overImage || !global.isCollapseDimensions() || (type != PoolingType.AVG && type != PoolingType.MAX)) {
                return Optional.empty();
            }
            shapes.put(name, new Shape(new long[] {d[0]}));
            return Optional.of(new Node(name, in, new GlobalPooling(type == PoolingType.MAX)));
        }
        if (layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class) {
            Optional<InnerProduct> dense = FusedInference.dense(layer, own);
            dense.ifPresent(stage -> shapes.put(name, new Shape(new long[] {stage.outputs()})));
            return dense.map(stage -> new Node(name, in, stage));
        }
        return Optional.empty();
    }

    /** The vertex that alone reads {@code name}'s output, or null when none or several do (or it is the network's output). */
    private static String onlyReader(ComputationGraph graph, String name, Map<String, List<String>> readers) {
        List<String> of = readers.getOrDefault(name, List.of());
        return of.size() != 1 || graph.getConfiguration().getNetworkOutputs().contains(name) ? null : of.get(0);
    }

    private static boolean isNormOverImages(ComputationGraph graph, String name) {
        return graph.getConfiguration().getVertices().get(name) instanceof LayerVertex vertex
                && vertex.getPreProcessor() == null
                && vertex.getLayerConf().getLayer() instanceof BatchNormalization norm
                && norm.getCnn2DFormat() == CNN2DFormat.NCHW
                && graph.getLayer(name).params().dataType() == DataType.FLOAT;
    }

    private static boolean isReLULayer(ComputationGraph graph, String name) {
        return graph.getConfiguration().getVertices().get(name) instanceof LayerVertex vertex
                && vertex.getPreProcessor() == null
                && vertex.getLayerConf().getLayer() instanceof ActivationLayer activation
                && FusedInference.isPlainReLU(activation.getActivationFn())
                && activation.getIDropout() == null;
    }

    /** The primitives for batches of {@code n} images, vertex after vertex, with the memory between them. */
    @Override
    protected Planned plan(int n) {
        PrimitiveChain chain = new PrimitiveChain(cpu, queue);
        memory images = chain.over(plain(memory.format_tag.nchw, n, inputDims[0], inputDims[1], inputDims[2]), null);
        Map<String, memory> values = new HashMap<>();
        values.put(input, images);
        for (Node node : nodes) {
            memory in = values.get(node.inputs().get(0));
            long[] d = shapes.get(node.inputs().get(0)).dims();
            memory out;
            if (node.stage() instanceof Convolution conv) {
                out = FusedInference.convolved(chain, cpu, conv, in, n, d[0], d[1], d[2]);
            } else if (node.stage() instanceof Affine affine) {
                out = scaledAndShifted(chain, affine, in, n, d);
            } else if (node.stage() instanceof Rectifier) {
                var pd = chain.keep(new eltwise_forward.primitive_desc(new eltwise_forward.desc(forward_inference,
                        eltwise_relu, in.get_desc(), 0f, 0f), cpu));
                out = chain.memory(pd.dst_desc());
                chain.add(new eltwise_forward(pd), Map.of(DNNL_ARG_SRC, in, DNNL_ARG_DST, out));
            } else if (node.stage() instanceof Sum) {
                out = in;
                for (String other : node.inputs().subList(1, node.inputs().size())) {
                    var pd = chain.keep(new binary.primitive_desc(new binary.desc(binary_add, out.get_desc(),
                            out.get_desc(), out.get_desc()), cpu));
                    memory sum = chain.memory(pd.dst_desc());
                    chain.add(new binary(pd), Map.of(DNNL_ARG_SRC_0, out,
                            DNNL_ARG_SRC_1, chain.reordered(values.get(other), out.get_desc()), DNNL_ARG_DST, sum));
                    out = sum;
                }
            } else if (node.stage() instanceof Pooling pool) {
                out = FusedInference.pooled(chain, cpu, pool.max(), pool.window(), in, n, d[0], d[1], d[2]);
            } else if (node.stage() instanceof GlobalPooling global) {
                SlidingWindow whole = SlidingWindow.unpadded(new int[] {(int) d[1], (int) d[2]}, new int[] {(int) d[1], (int) d[2]});
                memory pooled = FusedInference.pooled(chain, cpu, global.max(), whole, in, n, d[0], d[1], d[2]);
                // (n, c, 1, 1) in whatever layout is (n, c) rows once plain.
                memory rows = chain.memory(plain(memory.format_tag.nchw, n, d[0], 1, 1));
                chain.copy(pooled, rows);
                out = chain.over(plain(memory.format_tag.nc, n, d[0]), rows.get_data_handle());
            } else if (node.stage() instanceof InnerProduct dense) {
                long[] srcDims = new long[d.length + 1];
                srcDims[0] = n;
                System.arraycopy(d, 0, srcDims, 1, d.length);
                out = FusedInference.innerProduct(chain, cpu, dense, in, srcDims);
            } else {
                throw new IllegalStateException("no primitive for " + node);
            }
            values.put(node.name(), out);
        }
        memory probabilities = FusedInference.softmax(chain, cpu, values.get(output), n, classes);
        return new Planned(chain, images, probabilities, classes);
    }

    /**
     * {@code y = scale * x + shift} per channel of {@code src}, images of (c, h, w), then a ReLU or not:
     * a depthwise 1x1 convolution (one group per channel), which keeps the layout oneDNN chose for
     * {@code src}.
     */
    private memory scaledAndShifted(PrimitiveChain chain, Affine affine, memory src, long n, long[] d) {
        long c = d[0];
        memory.desc perChannel = plain(memory.format_tag.goihw, c, 1, 1, 1, 1);
        var desc = new convolution_forward.desc(forward_inference, convolution_direct, src.get_desc(),
                any(c, 1, 1, 1, 1), plain(memory.format_tag.x, c), any(n, c, d[1], d[2]),
                new long[] {1, 1}, new long[] {0, 0}, new long[] {0, 0});
        var pd = chain.keep(new convolution_forward.primitive_desc(desc, chain.keep(attributes(affine.relu())), cpu));
        memory weights = FusedInference.weights(chain, affine.scale(), pd.weights_desc(), perChannel);
        memory dst = chain.memory(pd.dst_desc());
        chain.add(new convolution_forward(pd), Map.of(DNNL_ARG_SRC, chain.reordered(src, pd.src_desc()), DNNL_ARG_WEIGHTS, weights,
                DNNL_ARG_BIAS, FusedInference.filled(chain, affine.shift(), pd.bias_desc()), DNNL_ARG_DST, dst));
        return dst;
    }
}
