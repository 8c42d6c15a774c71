package org.fmnist.onnx;

import static org.fmnist.onnx.OnnxGraph.integer;
import static org.fmnist.onnx.OnnxGraph.ints;
import static org.fmnist.onnx.OnnxGraph.real;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
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
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.SlidingWindow;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A trained network as an ONNX model that any ONNX runtime can score: input {@value #INPUT}, float32
 * {@code [N, 1, 28, 28]}, pixels scaled to [0, 1] as training scaled them; output {@value #OUTPUT},
 * {@code [N, 10]}, the softmax over the classes in label order (the model's {@code classes} metadata
 * names them). Opset {@value #OPSET}.
 *
 * <p>Layer by layer (a graph's vertices in topological order) into ONNX's own operators: convolutions
 * ({@code Conv}, DL4J's padding made explicit), pooling, batch norms in inference form with DL4J's
 * running statistics ({@code BatchNormalization}; a log10 standard deviation turned into the variance),
 * dense layers ({@code Gemm} on DL4J's {@code [in, out]} weights), activations, global pooling,
 * element-wise vertices, and the reshapes DL4J's preprocessors make. Dropout is the identity at
 * inference. Anything else is an {@link UnsupportedLayerException} naming the layer, so a model is
 * exported whole or not at all.
 */
public final class OnnxExport {

    /** The ONNX operator set the models are written in (ONNX Runtime 1.8 and later read it). */
    public static final int OPSET = 13;
    /** The IR version of opset 13's ONNX release (1.8). */
    static final int IR_VERSION = 7;
    public static final String INPUT = "image";
    public static final String OUTPUT = "probabilities";

    private OnnxExport() {}

    /**
     * The ONNX model of {@code network}, named {@code name} (the spec's model type, say).
     *
     * @throws UnsupportedLayerException for a layer, vertex or activation with no translation here
     */
    public static ModelProto of(Network network, String name) {
        OnnxGraph graph = new OnnxGraph(name);
        graph.input(INPUT, -1, 1, IdxFile.SIDE, IdxFile.SIDE);
        Value image = new Value(INPUT, 1, IdxFile.SIDE, IdxFile.SIDE);
        Value last;
        if (network.model() instanceof MultiLayerNetwork net) {
            last = layers(graph, net, image, name);
        } else if (network.model() instanceof ComputationGraph net) {
            last = vertices(graph, net, image, name);
        } else {
            throw new UnsupportedLayerException(name, "the network", network.model().getClass().getSimpleName());
        }
        if (last.image() || last.dims()[0] != FashionClass.COUNT) {
            throw new UnsupportedLayerException(name, "the output", "an output of " + Arrays.toString(last.dims())
                    + " values an image, not " + FashionClass.COUNT + " probabilities");
        }
        graph.rename(last.name(), OUTPUT);
        graph.output(OUTPUT, -1, FashionClass.COUNT);
        String classes = Arrays.stream(FashionClass.values()).map(FashionClass::displayName).collect(Collectors.joining(","));
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("fmnist")
                .setProducerVersion(Optional.ofNullable(OnnxExport.class.getPackage().getImplementationVersion()).orElse("dev"))
                .setModelVersion(1).setDocString("Fashion-MNIST classifier: " + name + "; input pixels scaled to [0, 1]")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("classes").setValue(classes))
                .setGraph(graph.build()).build();
    }

    /** Writes {@link #of} to {@code file}. */
    public static void write(Network network, String name, Path file) throws IOException {
        ModelProto model = of(network, name);
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
    }

    /**
     * A tensor of the graph as it is being written: its name and its dimensions without the batch,
     * (channels, height, width) for images or (features) for rows.
     */
    record Value(String name, long... dims) {
        boolean image() {
            return dims.length == 3;
        }

        long size() {
            return Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        }
    }

    private static Value layers(OnnxGraph graph, MultiLayerNetwork net, Value in, String model) {
        Value current = in;
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            current = layer(graph, layer, net.getLayerWiseConfigurations().getInputPreProcess(i), current, model);
        }
        return current;
    }

    private static Value vertices(OnnxGraph graph, ComputationGraph net, Value in, String model) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new UnsupportedLayerException(model, "the graph", conf.getNetworkInputs().size() + " inputs and "
                    + conf.getNetworkOutputs().size() + " outputs (one of each is exported)");
        }
        Map<String, Value> values = new HashMap<>();
        values.put(conf.getNetworkInputs().get(0), in);
        GraphVertex[] vertices = net.getVertices();
        for (int index : net.topologicalSortOrder()) {
            GraphVertex vertex = vertices[index];
            String name = vertex.getVertexName();
            if (vertex.isInputVertex()) {
                continue;
            }
            List<Value> inputs = conf.getVertexInputs().get(name).stream().map(values::get).toList();
            var vertexConf = conf.getVertices().get(name);
            if (vertexConf instanceof LayerVertex layerVertex && inputs.size() == 1) {
                values.put(name, layer(graph, vertex.getLayer(), layerVertex.getPreProcessor(), inputs.get(0), model));
            } else if (vertexConf instanceof ElementWiseVertex elementWise) {
                values.put(name, elementWise(graph, name, elementWise.getOp(), inputs, model));
            } else {
                throw new UnsupportedLayerException(model, name, vertexConf.getClass().getSimpleName());
            }
        }
        return values.get(conf.getNetworkOutputs().get(0));
    }

    private static Value elementWise(OnnxGraph graph, String name, ElementWiseVertex.Op op, List<Value> inputs, String model) {
        String onnxOp = switch (op) {
            case Add -> "Sum";
            case Average -> "Mean";
            case Max -> "Max";
            case Subtract -> inputs.size() == 2 ? "Sub" : null;
            case Product -> inputs.size() == 2 ? "Mul" : null;
            default -> null;
        };
        if (onnxOp == null || inputs.stream().anyMatch(v -> !Arrays.equals(v.dims(), inputs.get(0).dims()))) {
            throw new UnsupportedLayerException(model, name, "ElementWiseVertex " + op + " over " + inputs.size()
                    + " inputs of shapes " + inputs.stream().map(v -> Arrays.toString(v.dims())).toList());
        }
        return new Value(graph.node(onnxOp, name, inputs.stream().map(Value::name).toList()), inputs.get(0).dims());
    }

    /** Layer {@code layer} after its input preprocessor (null: none), reading {@code in}. */
    private static Value layer(OnnxGraph graph, Layer layer, InputPreProcessor preprocessor, Value in, String model) {
        var conf = layer.conf().getLayer();
        String name = conf.getLayerName() == null ? "layer" + layer.getIndex() : conf.getLayerName();
        Value x = preprocessed(graph, preprocessor, in, name, model);
        Class<?> kind = conf.getClass();
        if (kind == ConvolutionLayer.class) {
            return convolution(graph, layer, (ConvolutionLayer) conf, image(x, name, model), name, model);
        }
        if (kind == SubsamplingLayer.class) {
            return pooling(graph, (SubsamplingLayer) conf, image(x, name, model), name, model);
        }
        if (kind == BatchNormalization.class) {
            // DL4J 1.0.0-M2.1's batch norm ignores any activation it is given: none is applied here either.
            return batchNorm(graph, layer, (BatchNormalization) conf, x, name, model);
        }
        if (kind == ActivationLayer.class) {
            return activation(graph, ((ActivationLayer) conf).getActivationFn(), x, name, model);
        }
        if (kind == DropoutLayer.class) {
            return x;
        }
        if (kind == DenseLayer.class || kind == OutputLayer.class) {
            return dense(graph, layer, (BaseLayer) conf, rows(graph, x, name), name, model);
        }
        if (kind == GlobalPoolingLayer.class) {
            return globalPooling(graph, (GlobalPoolingLayer) conf, image(x, name, model), name, model);
        }
        throw new UnsupportedLayerException(model, name, kind.getSimpleName());
    }

    private static Value preprocessed(OnnxGraph graph, InputPreProcessor preprocessor, Value in, String name, String model) {
        if (preprocessor == null) {
            return in;
        }
        if (preprocessor instanceof FeedForwardToCnnPreProcessor toImage) {
            long[] dims = {toImage.getNumChannels(), toImage.getInputHeight(), toImage.getInputWidth()};
            if (in.image() && Arrays.equals(in.dims(), dims)) {
                return in; // the model's input is already the image DL4J reshapes its flat features into
            }
            if (in.image() || in.size() != dims[0] * dims[1] * dims[2]) {
                throw new UnsupportedLayerException(model, name, "an image of " + Arrays.toString(dims) + " from "
                        + Arrays.toString(in.dims()));
            }
            String shape = graph.longs(name + "_shape", -1, dims[0], dims[1], dims[2]);
            return new Value(graph.node("Reshape", name + "_to_image", List.of(in.name(), shape)), dims);
        }
        if (preprocessor instanceof CnnToFeedForwardPreProcessor toRows && toRows.getFormat() == CNN2DFormat.NCHW) {
            return rows(graph, in, name);
        }
        throw new UnsupportedLayerException(model, name, "input preprocessor " + preprocessor.getClass().getSimpleName());
    }

    /** Images flattened to rows in NCHW order, as DL4J's CnnToFeedForwardPreProcessor flattens them. */
    private static Value rows(OnnxGraph graph, Value x, String name) {
        return x.image() ? new Value(graph.node("Flatten", name + "_rows", List.of(x.name()), integer("axis", 1)), x.size()) : x;
    }

    private static Value image(Value x, String name, String model) {
        if (!x.image()) {
            throw new UnsupportedLayerException(model, name, "an image layer reading rows of " + x.dims()[0]);
        }
        return x;
    }

    private static Value convolution(OnnxGraph graph, Layer layer, ConvolutionLayer conf, Value x, String name, String model) {
        Optional<SlidingWindow> found = SlidingWindow.of(conf, x.dims()[1], x.dims()[2]);
        if (conf.getCnn2dDataFormat() != CNN2DFormat.NCHW || conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1
                || found.isEmpty() || conf.getNIn() != x.dims()[0] || runtime(layer).hasLayerNorm()) {
            throw new UnsupportedLayerException(model, name, "ConvolutionLayer (" + conf.getCnn2dDataFormat() + ", dilation "
                    + Arrays.toString(conf.getDilation()) + ", mode " + conf.getConvolutionMode() + ")");
        }
        SlidingWindow window = found.get();
        INDArray w = layer.getParam("W");
        String weights = graph.weights(name + "_W", w, w.shape());
        List<String> inputs = runtime(layer).hasBias()
                ? List.of(x.name(), weights, graph.weights(name + "_b", layer.getParam("b"), conf.getNOut()))
                : List.of(x.name(), weights);
        String out = graph.node("Conv", name, inputs, ints("kernel_shape", window.kernelDims()),
                ints("strides", window.strides()), ints("pads", pads(window)));
        Value conv = new Value(out, conf.getNOut(), window.out(x.dims()[1], 0), window.out(x.dims()[2], 1));
        return activation(graph, conf.getActivationFn(), conv, name, model);
    }

    private static Value pooling(OnnxGraph graph, SubsamplingLayer conf, Value x, String name, String model) {
        Optional<SlidingWindow> found = SlidingWindow.of(conf, x.dims()[1], x.dims()[2]);
        boolean unpadded = found.isPresent() && Arrays.stream(pads(found.get())).allMatch(p -> p == 0);
        String op = conf.getPoolingType() == PoolingType.MAX ? "MaxPool"
                // Average pooling only unpadded: DL4J's and ONNX's divisors at padded edges are settings apart.
                : conf.getPoolingType() == PoolingType.AVG && unpadded ? "AveragePool" : null;
        if (op == null || found.isEmpty() || conf.getCnn2dDataFormat() != CNN2DFormat.NCHW
                || conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1) {
            throw new UnsupportedLayerException(model, name, "SubsamplingLayer (" + conf.getPoolingType() + ", mode "
                    + conf.getConvolutionMode() + ", padding " + Arrays.toString(conf.getPadding()) + ")");
        }
        SlidingWindow window = found.get();
        String out = graph.node(op, name, List.of(x.name()), ints("kernel_shape", window.kernelDims()),
                ints("strides", window.strides()), ints("pads", pads(window)));
        return new Value(out, x.dims()[0], window.out(x.dims()[1], 0), window.out(x.dims()[2], 1));
    }

    private static Value batchNorm(OnnxGraph graph, Layer layer, BatchNormalization conf, Value x, String name, String model) {
        long c = x.dims()[0];
        if ((x.image() && conf.getCnn2DFormat() != CNN2DFormat.NCHW) || conf.getNOut() != c) {
            throw new UnsupportedLayerException(model, name, "BatchNormalization over " + conf.getNOut() + " channels ("
                    + conf.getCnn2DFormat() + ") of " + Arrays.toString(x.dims()));
        }
        INDArray gamma = conf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {c}, conf.getGamma()) : layer.getParam("gamma");
        INDArray beta = conf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[] {c}, conf.getBeta()) : layer.getParam("beta");
        INDArray variance = conf.isUseLogStd()
                // DL4J keeps log10 of the standard deviation: the variance is 10^(2 s) = e^(2 s ln 10).
                ? Transforms.exp(layer.getParam("log10stdev").reshape(c).mul(2 * Math.log(10)), false)
                : layer.getParam("var");
        String out = graph.node("BatchNormalization", name, List.of(x.name(), graph.weights(name + "_gamma", gamma, c),
                graph.weights(name + "_beta", beta, c), graph.weights(name + "_mean", layer.getParam("mean"), c),
                graph.weights(name + "_var", variance, c)), real("epsilon", conf.getEps()));
        return new Value(out, x.dims());
    }

    private static Value dense(OnnxGraph graph, Layer layer, BaseLayer conf, Value x, String name, String model) {
        INDArray w = layer.getParam("W"); // [in, out]
        if (w.size(0) != x.dims()[0] || runtime(layer).hasLayerNorm()) {
            throw new UnsupportedLayerException(model, name, conf.getClass().getSimpleName() + " of " + w.size(0)
                    + " inputs reading " + x.dims()[0] + (runtime(layer).hasLayerNorm() ? ", with layer normalisation" : ""));
        }
        String weights = graph.weights(name + "_W", w, w.size(0), w.size(1));
        List<String> inputs = runtime(layer).hasBias()
                ? List.of(x.name(), weights, graph.weights(name + "_b", layer.getParam("b"), w.size(1)))
                : List.of(x.name(), weights);
        Value out = new Value(graph.node("Gemm", name, inputs), w.size(1));
        return activation(graph, conf.getActivationFn(), out, name, model);
    }

    private static Value globalPooling(OnnxGraph graph, GlobalPoolingLayer conf, Value x, String name, String model) {
        String op = conf.getPoolingType() == PoolingType.AVG ? "GlobalAveragePool"
                : conf.getPoolingType() == PoolingType.MAX ? "GlobalMaxPool" : null;
        if (op == null || !conf.isCollapseDimensions()) {
            throw new UnsupportedLayerException(model, name, "GlobalPoolingLayer (" + conf.getPoolingType()
                    + (conf.isCollapseDimensions() ? "" : ", dimensions kept") + ")");
        }
        return rows(graph, new Value(graph.node(op, name, List.of(x.name())), x.dims()[0], 1, 1), name);
    }

    private static Value activation(OnnxGraph graph, IActivation fn, Value x, String name, String model) {
        if (fn instanceof ActivationIdentity) {
            return x;
        }
        String op;
        if (fn instanceof ActivationReLU relu && zero(relu.getMax()) && zero(relu.getThreshold()) && zero(relu.getNegativeSlope())) {
            op = "Relu";
        } else if (fn instanceof ActivationSigmoid) {
            op = "Sigmoid";
        } else if (fn instanceof ActivationTanH) {
            op = "Tanh";
        } else if (fn instanceof ActivationSoftmax && !x.image()) {
            return new Value(graph.node("Softmax", name + "_softmax", List.of(x.name()), integer("axis", 1)), x.dims());
        } else {
            throw new UnsupportedLayerException(model, name, "activation " + fn);
        }
        return new Value(graph.node(op, name + "_" + op.toLowerCase(Locale.ROOT), List.of(x.name())), x.dims());
    }

    /** The layer's runtime class, which knows whether it has a bias and layer normalisation. */
    private static org.deeplearning4j.nn.layers.BaseLayer<?> runtime(Layer layer) {
        return (org.deeplearning4j.nn.layers.BaseLayer<?>) layer;
    }

    private static boolean zero(Double value) {
        return value == null || value == 0.0;
    }

    /** ONNX's pads: all axes' starts, then all axes' ends. */
    private static long[] pads(SlidingWindow window) {
        long[] before = window.paddingBefore();
        long[] after = window.paddingAfter();
        return new long[] {before[0], before[1], after[0], after[1]};
    }
}
