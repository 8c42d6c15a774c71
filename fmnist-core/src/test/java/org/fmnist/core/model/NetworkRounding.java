package org.fmnist.core.model;

import static org.fmnist.core.model.FloatRounding.SPREADS;
import static org.fmnist.core.model.FloatRounding.UNIT;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How far from exact arithmetic a float implementation of a network's forward pass, or of its
 * gradient on a batch, may land, value by value: the probabilistic bound {@link FloatRounding}
 * describes, carried through the network as a first-order running error analysis.
 *
 * <p>Each tensor is carried as a {@link Rounded}: its value, in double, and the spread of one float
 * computation's error. An operation passes its inputs' spreads on through its slopes, in quadrature, and
 * adds its own roundings: an {@code n}-term sum {@code √n·u·Σ|terms|}, a smooth function a few roundings
 * of its result. The forward values are DL4J's own (its layers run here with the same random draws as
 * the step under test); the backward values are computed here, in double, and checked against DL4J's
 * gradient within the bound, so that the analysis cannot describe another computation.
 *
 * <p>Where a result hangs on a comparison, a ReLU at zero or a max-pool's largest value, and the two sides
 * are closer than the bound can tell apart, either outcome may happen: the gradient there may differ by
 * its whole value, and the bound allows that.
 *
 * <p>It covers what the own steps and fused paths cover: dense and NCHW convolution layers, max and
 * average pooling, global pooling, batch norms, ReLU, tanh, sigmoid and identity activations, inverted
 * dropout on a layer's input, element-wise additions, and a softmax output on cross-entropy. Any other
 * layer is refused with an exception, so no twin test passes on a network it does not understand.
 */
public final class NetworkRounding {

    /**
     * A step's gradient before the updater as DL4J computes it (summed over the batch; batch-norm
     * statistics as their pseudo-gradients), with one computation's bound on it and on the loss.
     */
    public record Gradient(INDArray raw, INDArray bound, double lossBound) {}

    /** A computed tensor: its value and the spread of one float computation's error. */
    record Rounded(INDArray value, INDArray spread) {
        /** How far one computation may be off: {@link FloatRounding#SPREADS} spreads. */
        INDArray bound() {
            return spread.mul(SPREADS);
        }

        Rounded reshape(long... shape) {
            return new Rounded(value.reshape('c', shape), spread.reshape('c', shape));
        }

        Rounded plus(Rounded other) {
            INDArray sum = value.add(other.value);
            return new Rounded(sum, rss(spread, other.spread, own(1, abs(sum))));
        }
    }

    /** One vertex of the network: the input, a layer (with the preprocessor before it), or an addition. */
    private record Node(Layer layer, InputPreProcessor preprocessor, int[] inputs) {
        boolean isInput() {
            return layer == null && inputs.length == 0;
        }
    }

    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    private final Model model;
    private final List<Node> nodes = new ArrayList<>();
    private final List<INDArray> outputs = new ArrayList<>();
    /** Each layer's input as it computed with it: after its preprocessor and its dropout. */
    private final List<INDArray> layerInputs = new ArrayList<>();
    /** Each layer's dropout mask (0 or 1/p), where it dropped out. */
    private final List<INDArray> masks = new ArrayList<>();
    private final Stage[] stages;
    private final Rounded[] forward;

    private NetworkRounding(Model model, INDArray features, boolean training) {
        this.model = model;
        if (model instanceof MultiLayerNetwork net) {
            walk(net, features, training);
        } else if (model instanceof ComputationGraph graph) {
            walk(graph, features, training);
        } else {
            throw new UnsupportedOperationException("a " + model.getClass().getSimpleName());
        }
        stages = new Stage[nodes.size()];
        forward = new Rounded[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            INDArray out = doubles(outputs.get(i));
            Rounded[] in = new Rounded[node.inputs().length];
            for (int k = 0; k < in.length; k++) {
                in[k] = forward[node.inputs()[k]];
            }
            if (node.isInput()) {
                forward[i] = new Rounded(out, out.mul(0)); // the features: exact
                continue;
            }
            stages[i] = node.layer() == null ? new Addition() : Stage.of(node.layer(), training);
            if (stages[i] instanceof LayerStage stage) {
                in[0] = stage.prepare(node, in[0], layerInputs.get(i), masks.get(i));
            }
            forward[i] = stages[i].forward(in, out);
        }
    }

    /** One computation's bound on each of {@code model}'s outputs for {@code features}, as scored (no dropout). */
    public static INDArray outputBound(Model model, INDArray features) {
        NetworkRounding analysis = new NetworkRounding(model, features, false);
        return analysis.forward[analysis.nodes.size() - 1].bound();
    }

    /**
     * DL4J's gradient and loss of {@code model} on the batch (random draws seeded with {@code seed}, as the
     * step under test seeds them), and one computation's bound on each value. Uses {@code model}'s
     * parameters and leaves them as they were.
     */
    public static Gradient gradient(Model model, INDArray features, INDArray labels, long seed) {
        Nd4j.getRandom().setSeed(seed);
        NetworkRounding analysis = new NetworkRounding(model, features, true);
        Nd4j.getRandom().setSeed(seed);
        INDArray raw;
        double loss;
        if (model instanceof MultiLayerNetwork net) {
            net.setInput(features);
            net.setLabels(labels);
            net.computeGradientAndScore();
            raw = net.getFlattenedGradients().dup();
            loss = net.score() - net.calcRegularizationScore(true);
        } else {
            ComputationGraph graph = (ComputationGraph) model;
            graph.setInputs(features);
            graph.setLabels(labels);
            graph.computeGradientAndScore();
            raw = graph.getFlattenedGradients().dup();
            loss = graph.score() - graph.calcRegularizationScore(true);
        }
        // By identity: a layer's equals and hashCode read its arrays.
        Map<Layer, Map<String, Rounded>> gradients = new IdentityHashMap<>();
        Rounded analysed = analysis.backward(doubles(labels), gradients);
        double lossBound = analysed.bound().getDouble(0);
        FloatRounding.assertWithin(analysed.value().getDouble(0), loss, 2 * lossBound,
                "the analysis's loss against DL4J's (the same random draws?)");
        INDArray mine = analysis.flatten(gradients, Rounded::value);
        // Float holds a bound to a part in ten million, either way: widened by ten times that, it stays one.
        INDArray bound = analysis.flatten(gradients, g -> g.bound().mul(1 + 1e-6));
        FloatRounding.assertWithin(raw, mine, bound.mul(2), "the analysis's gradient against DL4J's");
        return new Gradient(raw, bound, lossBound);
    }

    private static INDArray doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE);
    }

    private static INDArray abs(INDArray a) {
        return Transforms.abs(a, true);
    }

    private static INDArray square(INDArray a) {
        return a.mul(a);
    }

    /** √(a² + b² + …): the spread of independent errors added. */
    private static INDArray rss(INDArray... spreads) {
        INDArray sum = square(spreads[0]);
        for (int i = 1; i < spreads.length; i++) {
            sum.addi(square(spreads[i]));
        }
        return Transforms.sqrt(sum, false);
    }

    /** The spread of the own roundings of {@code n}-term sums whose terms' magnitudes add up to {@code magnitudes}. */
    private static INDArray own(long n, INDArray magnitudes) {
        return magnitudes.mul(Math.sqrt(n) * UNIT);
    }

    /** Per-channel values ({@code [C]}) spread over {@code like}'s shape, {@code [N, C]} or {@code [N, C, H, W]}. */
    private static INDArray along(INDArray channels, INDArray like) {
        INDArray c = channels.reshape(-1);
        return (like.rank() == 4 ? c.reshape(1, -1, 1, 1) : c.reshape(1, -1)).broadcast(like.shape());
    }

    private void walk(MultiLayerNetwork net, INDArray features, boolean training) {
        addInput(features);
        INDArray activation = features;
        for (int l = 0; l < net.getnLayers(); l++) {
            InputPreProcessor preprocessor = net.getLayerWiseConfigurations().getInputPreProcess(l);
            INDArray in = preprocessor == null ? activation
                    : preprocessor.preProcess(activation.dup(), (int) activation.size(0), NO_WORKSPACES);
            Layer layer = net.getLayer(l);
            layer.setInput(in.dup(), NO_WORKSPACES); // a copy: dropout may work in place
            activation = layer.activate(training, NO_WORKSPACES).dup();
            addLayer(layer, preprocessor, new int[] {l}, activation, training);
        }
    }

    private void walk(ComputationGraph graph, INDArray features, boolean training) {
        // A preprocessor on a vertex's input asks the graph for the batch size, which it reads off its inputs.
        graph.setInputs(features);
        GraphVertex[] vertices = graph.getVertices();
        Map<Integer, Integer> position = new HashMap<>();
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex vertex = vertices[index];
            position.put(index, nodes.size());
            if (vertex.isInputVertex()) {
                addInput(features);
                continue;
            }
            VertexIndices[] from = vertex.getInputVertices();
            int[] inputs = new int[from.length];
            for (int k = 0; k < from.length; k++) {
                inputs[k] = position.get(from[k].getVertexIndex());
                vertex.setInput(k, outputs.get(inputs[k]).dup(), NO_WORKSPACES);
            }
            INDArray out = vertex.doForward(training, NO_WORKSPACES).dup();
            if (vertex.hasLayer()) {
                addLayer(vertex.getLayer(), ((LayerVertex) vertex).getLayerPreProcessor(), inputs, out, training);
            } else if (graph.getConfiguration().getVertices().get(vertex.getVertexName()) instanceof ElementWiseVertex add
                    && add.getOp() == ElementWiseVertex.Op.Add) {
                nodes.add(new Node(null, null, inputs));
                outputs.add(out);
                layerInputs.add(null);
                masks.add(null);
            } else {
                throw new UnsupportedOperationException("the vertex " + vertex.getVertexName());
            }
        }
    }

    private void addInput(INDArray features) {
        nodes.add(new Node(null, null, new int[0]));
        outputs.add(features);
        layerInputs.add(null);
        masks.add(null);
    }

    private void addLayer(Layer layer, InputPreProcessor preprocessor, int[] inputs, INDArray out, boolean training) {
        nodes.add(new Node(layer, preprocessor, inputs));
        outputs.add(out);
        layerInputs.add(layer.input().dup());
        var dropout = layer.conf().getLayer().getIDropout();
        masks.add(training && dropout instanceof Dropout d && d.getMask() != null ? d.getMask().dup() : null);
        layer.clear();
    }

    /** The backward pass from the loss on {@code labels}; fills {@code gradients} per layer and parameter. */
    private Rounded backward(INDArray labels, Map<Layer, Map<String, Rounded>> gradients) {
        int last = nodes.size() - 1;
        if (!(stages[last] instanceof Linear output) || !output.softmax) {
            throw new UnsupportedOperationException("an output other than softmax on cross-entropy");
        }
        Rounded[] upstream = new Rounded[nodes.size()];
        upstream[last] = output.lossGradient(labels);
        for (int i = last; i > 0; i--) {
            if (upstream[i] == null || stages[i] == null) {
                continue; // nothing downstream reads it, or the input
            }
            Node node = nodes.get(i);
            Map<String, Rounded> params = new LinkedHashMap<>();
            Rounded[] toInputs = stages[i].backward(upstream[i], params);
            if (node.layer() != null) {
                gradients.put(node.layer(), params);
            }
            for (int k = 0; k < node.inputs().length; k++) {
                int from = node.inputs()[k];
                // A fork: the gradients of every consumer add up.
                upstream[from] = upstream[from] == null ? toInputs[k] : upstream[from].plus(toInputs[k]);
            }
        }
        return output.loss(labels);
    }

    /** Values of {@code gradients} in the layout of the network's flattened parameters (and gradients). */
    private INDArray flatten(Map<Layer, Map<String, Rounded>> gradients, java.util.function.Function<Rounded, INDArray> part) {
        INDArray saved = model.params().dup();
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, saved.shape());
        // Each part into its parameter's place, through the parameters' own views.
        model.params().assign(0);
        gradients.forEach((layer, params) -> params.forEach((key, gradient) -> {
            INDArray values = part.apply(gradient);
            if (values.isNaN().any() || values.isInfinite().any()) {
                throw new IllegalStateException("the analysis has no finite value for " + key + " of layer " + layer.getIndex());
            }
            layer.getParam(key).assign(values.reshape(layer.getParam(key).shape()));
        }));
        flat.assign(model.params());
        model.params().assign(saved);
        return flat;
    }

    /** One layer or vertex: its forward pass, then its backward pass given its output's gradient. */
    private abstract static class Stage {
        abstract Rounded forward(Rounded[] in, INDArray dl4jOutput);

        /** Fills {@code params}' gradients and returns the gradients of its inputs. */
        abstract Rounded[] backward(Rounded gradient, Map<String, Rounded> params);

        static Stage of(Layer layer, boolean training) {
            var conf = layer.conf().getLayer();
            if (conf.getClass() == DenseLayer.class || conf.getClass() == OutputLayer.class
                    || conf.getClass() == ConvolutionLayer.class) {
                return new Linear(layer);
            }
            if (conf instanceof SubsamplingLayer || conf instanceof GlobalPoolingLayer) {
                return new Pooling(layer);
            }
            if (conf instanceof BatchNormalization) {
                return new Norm(layer, training);
            }
            if (conf instanceof ActivationLayer) {
                return new Activation(layer);
            }
            throw new UnsupportedOperationException("a " + conf.getClass().getSimpleName());
        }
    }

    /**
     * What a layer node does before its own computation, its preprocessor's reshape and its dropout, and
     * the reverse on the way back.
     */
    private abstract static class LayerStage extends Stage {
        final Layer layer;
        long[] inputShape;
        INDArray mask;
        /** The layer's input, after dropout. */
        Rounded input;

        LayerStage(Layer layer) {
            this.layer = layer;
        }

        Rounded prepare(Node node, Rounded in, INDArray layerInput, INDArray dropoutMask) {
            inputShape = in.value().shape();
            InputPreProcessor pre = node.preprocessor();
            Rounded shaped = in;
            if (pre instanceof CnnToFeedForwardPreProcessor) {
                shaped = in.reshape(inputShape[0], in.value().length() / inputShape[0]);
            } else if (pre instanceof FeedForwardToCnnPreProcessor cnn) {
                shaped = in.reshape(inputShape[0], cnn.getNumChannels(), cnn.getInputHeight(), cnn.getInputWidth());
            } else if (pre != null) {
                throw new UnsupportedOperationException("the preprocessor " + pre.getClass().getSimpleName());
            }
            if (dropoutMask == null) {
                return input = shaped;
            }
            var dropout = layer.conf().getLayer().getIDropout();
            if (dropout.getClass() != Dropout.class || ((Dropout) dropout).getPSchedule() != null) {
                throw new UnsupportedOperationException("the dropout " + dropout);
            }
            // Inverted dropout multiplies by DL4J's mask (0 or 1/p, the same array on both sides): one rounding.
            mask = doubles(dropoutMask).reshape(shaped.value().shape());
            INDArray value = doubles(layerInput);
            return input = new Rounded(value, rss(shaped.spread().mul(mask), own(1, abs(value))));
        }

        Rounded[] toInput(Rounded gradient) {
            Rounded g = gradient;
            if (mask != null) {
                INDArray value = gradient.value().mul(mask);
                g = new Rounded(value, rss(gradient.spread().mul(mask), own(1, abs(value))));
            }
            return new Rounded[] {g.reshape(inputShape)};
        }

        INDArray param(String key) {
            return doubles(layer.getParam(key));
        }

        /** The analysis's value against DL4J's: both within the bound of exact, so within twice it of each other. */
        void assertMatches(INDArray mine, Rounded dl4j) {
            FloatRounding.assertWithin(dl4j.value(), mine, dl4j.bound().mul(2),
                    "the analysis of " + layer.conf().getLayer().getClass().getSimpleName() + " " + layer.getIndex()
                            + " against DL4J's values");
        }
    }

    /** An activation function after a layer's linear part, or as a layer of its own. */
    private enum Kink {
        IDENTITY, RELU, TANH, SIGMOID;

        static Kink of(IActivation fn) {
            if (fn instanceof ActivationReLU relu && relu.getMax() == null && relu.getNegativeSlope() == null
                    && (relu.getThreshold() == null || relu.getThreshold() == 0)) {
                return RELU; // DL4J's, or a subclass computing its gradient otherwise (MaskedGradientReLU)
            }
            if (fn instanceof ActivationIdentity) {
                return IDENTITY;
            }
            if (fn instanceof ActivationTanH) {
                return TANH;
            }
            if (fn instanceof ActivationSigmoid) {
                return SIGMOID;
            }
            throw new UnsupportedOperationException("the activation " + fn);
        }

        INDArray apply(INDArray z) {
            return switch (this) {
                case IDENTITY -> z.dup();
                case RELU -> Transforms.relu(z, true);
                case TANH -> Transforms.tanh(z, true);
                case SIGMOID -> Transforms.sigmoid(z, true);
            };
        }

        /** The slope at each input, from the output {@code a} (tanh, sigmoid) or the input {@code z}. */
        INDArray slope(INDArray z, INDArray a) {
            return switch (this) {
                case IDENTITY -> z.mul(0).addi(1);
                case RELU -> z.gt(0).castTo(DataType.DOUBLE);
                case TANH -> a.mul(a).rsubi(1);
                case SIGMOID -> a.mul(a.rsub(1));
            };
        }

        /** The output: the input's error through the slope (ReLU's moves an error by at most itself), and its own roundings. */
        Rounded forward(Rounded z, INDArray a) {
            return switch (this) {
                case IDENTITY, RELU -> new Rounded(a, z.spread());
                case TANH, SIGMOID -> new Rounded(a, rss(z.spread().mul(abs(slope(z.value(), a))), own(4, abs(a))));
            };
        }

        /** The gradient at the input {@code z} from the gradient at the output {@code a}. */
        Rounded backward(Rounded gradient, Rounded z, Rounded a) {
            INDArray slope = slope(z.value(), a.value());
            INDArray value = gradient.value().mul(slope);
            INDArray spread = gradient.spread().mul(abs(slope));
            switch (this) {
                case RELU -> {
                    // Where z is nearer 0 than the bound, either side may pass the gradient or stop it: the
                    // whole gradient may differ there (as a spread, a bound's worth divided by SPREADS).
                    INDArray undecided = z.bound().mul(2).gt(abs(z.value())).castTo(DataType.DOUBLE);
                    spread.addi(undecided.muli(abs(gradient.value()).divi(SPREADS).addi(gradient.spread().mul(2))));
                }
                // The slope's own error, 2|a|·da for tanh, |1 - 2a|·da for sigmoid, and the product's roundings.
                case TANH -> spread = rss(spread, gradient.value().mul(a.value()).muli(2).muli(a.spread()), own(3, abs(value)));
                case SIGMOID -> spread = rss(spread, gradient.value().mul(a.value().mul(2).rsubi(1)).muli(a.spread()),
                        own(3, abs(value)));
                default -> { }
            }
            return new Rounded(value, spread);
        }
    }

    /** A dense, output or convolution layer: {@code z = x·W + b}, then its activation (softmax on an output). */
    private static final class Linear extends LayerStage {
        final boolean softmax;
        /** Cross-entropy's clipping of the probabilities, as DL4J's {@code LossMCXENT} clips them. */
        double clip;
        final boolean convolution;
        Kink kink;
        /** A convolution's products, as flat indices. */
        Convolution.Taps taps;
        Rounded z;
        Rounded out;

        Linear(Layer layer) {
            super(layer);
            var conf = (BaseLayer) layer.conf().getLayer();
            convolution = conf instanceof ConvolutionLayer;
            softmax = conf instanceof OutputLayer;
            if (softmax) {
                var output = (OutputLayer) conf;
                if (!(conf.getActivationFn() instanceof ActivationSoftmax) || !(output.getLossFn() instanceof LossMCXENT loss)
                        || loss.getWeights() != null) {
                    throw new UnsupportedOperationException("an output other than softmax on unweighted cross-entropy");
                }
                clip = ((LossMCXENT) output.getLossFn()).getSoftmaxClipEps();
            } else {
                kink = Kink.of(conf.getActivationFn());
            }
            if (convolution) {
                var c = (ConvolutionLayer) conf;
                if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW || c.getDilation()[0] != 1 || c.getDilation()[1] != 1) {
                    throw new UnsupportedOperationException("a convolution other than NCHW without dilation");
                }
            }
        }

        boolean hasBias() {
            return layer.paramTable().containsKey("b");
        }

        /**
         * {@code x·W} (or the convolution), in double; with the magnitudes of its terms summed, and the
         * spread the input's errors add ({@code √Σ w²·spread²}).
         */
        INDArray[] times(INDArray x, INDArray spread, INDArray w) {
            if (convolution) {
                return Convolution.forward(x, spread, w, taps);
            }
            return new INDArray[] {x.mmul(w), abs(x).mmul(abs(w)), square(spread).mmul(square(w))};
        }

        @Override
        Rounded forward(Rounded[] in, INDArray dl4jOutput) {
            Rounded x = in[0];
            INDArray w = param("W");
            if (convolution) {
                long[] s = x.value().shape();
                SlidingWindow window = SlidingWindow.of((ConvolutionLayer) layer.conf().getLayer(), s[2], s[3])
                        .orElseThrow(() -> new UnsupportedOperationException("this convolution mode"));
                taps = Convolution.Taps.of(s, w.shape(), window);
            }
            long fanIn = convolution ? w.size(1) * w.size(2) * w.size(3) : w.size(0);
            INDArray[] product = times(x.value(), x.spread(), w);
            INDArray value = product[0];
            INDArray terms = product[1];
            if (hasBias()) {
                INDArray b = param("b");
                value.addi(along(b, value));
                terms.addi(along(abs(b), terms));
            }
            // fanIn + 1 terms; four more roundings for a path that first folds a batch norm's scale into W.
            z = new Rounded(value, rss(Transforms.sqrt(product[2], false), own(fanIn + 5, terms)));
            if (softmax) {
                // p = softmax(z): dz moves p_k by p_k(dz_k - Σ_j p_j dz_j); exp, the sum over the classes and
                // the division add C + 4 roundings of p.
                INDArray p = dl4jOutput;
                INDArray moved = square(z.spread()).addiColumnVector(square(p).muli(square(z.spread())).sum(true, 1));
                out = new Rounded(p, rss(p.mul(Transforms.sqrt(moved, false)), own(p.size(1) + 4, p)));
                assertMatches(Transforms.softmax(z.value(), true), out);
            } else {
                out = kink.forward(z, dl4jOutput);
                assertMatches(kink.apply(z.value()), out);
            }
            return out;
        }

        /** The probabilities as cross-entropy reads them: within [clip, 1 - clip]. */
        INDArray clipped() {
            return clip > 0 ? Transforms.min(Transforms.max(out.value(), clip, true), 1 - clip, false) : out.value();
        }

        /** The gradient of cross-entropy on softmax at z, summed (not averaged) over the batch as DL4J's is: p - y. */
        Rounded lossGradient(INDArray labels) {
            INDArray value = clipped().subi(labels);
            return new Rounded(value, rss(out.spread(), own(1, abs(value))));
        }

        /** The mean cross-entropy -Σ y·log p / N, log p off by dp / p. */
        Rounded loss(INDArray labels) {
            INDArray p = clipped();
            INDArray terms = labels.mul(Transforms.log(p, true));
            long n = p.size(0);
            double value = -terms.sumNumber().doubleValue() / n;
            double through = Math.sqrt(square(labels.mul(out.spread()).divi(p)).sumNumber().doubleValue()) / n;
            double roundings = FloatRounding.sumSpread(p.length() + 4, abs(terms).sumNumber().doubleValue() / n);
            return new Rounded(Nd4j.scalar(value), Nd4j.scalar(Math.hypot(through, roundings)));
        }

        @Override
        Rounded[] backward(Rounded gradient, Map<String, Rounded> params) {
            Rounded dz = softmax ? gradient : kink.backward(gradient, z, out);
            INDArray w = param("W");
            INDArray absW = abs(w);
            INDArray x = input.value();
            long rows = convolution ? dz.value().size(0) * dz.value().size(2) * dz.value().size(3) : dz.value().size(0);
            long fanOut = convolution ? w.size(0) * w.size(2) * w.size(3) : w.size(1);
            // gW = xᵀ·dz summed over the rows; dx = dz·Wᵀ summed over the outputs.
            INDArray[] weights = convolution
                    ? Convolution.weightGradient(x, input.spread(), dz.value(), dz.spread(), w.shape(), taps)
                    : new INDArray[] {x.transpose().mmul(dz.value()), abs(x).transpose().mmul(abs(dz.value())),
                        square(x).transpose().mmul(square(dz.spread())).addi(square(input.spread()).transpose().mmul(square(dz.value())))
                                .addi(square(input.spread()).transpose().mmul(square(dz.spread())))};
            params.put("W", new Rounded(weights[0], rss(Transforms.sqrt(weights[2], false), own(rows + 1, weights[1]))));
            if (hasBias()) {
                int[] over = convolution ? new int[] {0, 2, 3} : new int[] {0};
                params.put("b", new Rounded(dz.value().sum(over),
                        rss(Transforms.sqrt(square(dz.spread()).sum(over), false), own(rows, abs(dz.value()).sum(over)))));
            }
            INDArray[] inputs = convolution
                    ? Convolution.inputGradient(dz.value(), dz.spread(), w, input.value().shape(), taps)
                    : new INDArray[] {dz.value().mmul(w.transpose()), abs(dz.value()).mmul(absW.transpose()),
                        square(dz.spread()).mmul(square(w).transpose())};
            return toInput(new Rounded(inputs[0], rss(Transforms.sqrt(inputs[2], false), own(fanOut + 1, inputs[1]))));
        }
    }

    /** An ActivationLayer. */
    private static final class Activation extends LayerStage {
        final Kink kink;
        Rounded z;
        Rounded out;

        Activation(Layer layer) {
            super(layer);
            kink = Kink.of(((ActivationLayer) layer.conf().getLayer()).getActivationFn());
        }

        @Override
        Rounded forward(Rounded[] in, INDArray dl4jOutput) {
            z = in[0];
            out = kink.forward(z, dl4jOutput);
            assertMatches(kink.apply(z.value()), out);
            return out;
        }

        @Override
        Rounded[] backward(Rounded gradient, Map<String, Rounded> params) {
            return toInput(kink.backward(gradient, z, out));
        }
    }

    /** Max or average pooling, over windows (no padding) or globally over the image. */
    private static final class Pooling extends LayerStage {
        final boolean max;
        final int[] kernel;
        final int[] stride;
        final boolean global;

        Pooling(Layer layer) {
            super(layer);
            var conf = layer.conf().getLayer();
            PoolingType type;
            if (conf instanceof GlobalPoolingLayer g) {
                global = true;
                type = g.getPoolingType();
                kernel = null;
                stride = null;
                if (!g.isCollapseDimensions()) {
                    throw new UnsupportedOperationException("a global pooling that keeps its dimensions");
                }
            } else {
                var s = (SubsamplingLayer) conf;
                global = false;
                type = s.getPoolingType();
                kernel = s.getKernelSize();
                stride = s.getStride();
                if (s.getPadding()[0] != 0 || s.getPadding()[1] != 0 || s.getDilation()[0] != 1 || s.getDilation()[1] != 1
                        || s.getCnn2dDataFormat() != CNN2DFormat.NCHW || s.getConvolutionMode() == ConvolutionMode.Causal) {
                    throw new UnsupportedOperationException("a pooling with padding, dilation, NHWC or a causal mode");
                }
            }
            if (type != PoolingType.MAX && type != PoolingType.AVG) {
                throw new UnsupportedOperationException("a " + type + " pooling");
            }
            max = type == PoolingType.MAX;
        }

        int[] window() {
            long[] s = input.value().shape();
            return global ? new int[] {(int) s[2], (int) s[3]} : kernel;
        }

        int[] steps() {
            return global ? window() : stride;
        }

        @Override
        Rounded forward(Rounded[] in, INDArray dl4jOutput) {
            long[] outShape = dl4jOutput.shape();
            for (int d = 0; d < 2 && !global; d++) {
                if ((outShape[2 + d] - 1) * stride[d] + kernel[d] > input.value().size(2 + d)) {
                    throw new UnsupportedOperationException("a pooling whose windows reach into padding (Same mode)");
                }
            }
            int area = window()[0] * window()[1];
            INDArray value = Pools.forward(input.value(), window(), steps(), max, outShape);
            // The largest of values, each off by its error, is off by at most the largest error; a mean of
            // k values adds their spreads in quadrature, divided by k, and rounds k + 1 times.
            INDArray spread = max ? Pools.forward(input.spread(), window(), steps(), true, outShape)
                    : rss(Transforms.sqrt(Pools.forward(square(input.spread()), window(), steps(), false, outShape).divi(area), false),
                            own(area + 1, Pools.forward(abs(input.value()), window(), steps(), false, outShape)));
            Rounded out = new Rounded(dl4jOutput, spread);
            assertMatches(value, out);
            return out;
        }

        @Override
        Rounded[] backward(Rounded gradient, Map<String, Rounded> params) {
            return toInput(max ? Pools.maxBackward(input, gradient, window(), steps())
                    : Pools.averageBackward(gradient, input.value().shape(), window(), steps()));
        }
    }

    /** A batch norm: batch statistics while training (and its running statistics' pseudo-gradients), running ones when scoring. */
    private static final class Norm extends LayerStage {
        final BatchNormalization conf;
        final boolean training;
        int[] axes;
        long count;
        Rounded mean;
        Rounded centred;
        Rounded variance;
        Rounded std;
        Rounded normalised;

        Norm(Layer layer, boolean training) {
            super(layer);
            this.conf = (BatchNormalization) layer.conf().getLayer();
            this.training = training;
            if (conf.isLockGammaBeta() || conf.getCnn2DFormat() != CNN2DFormat.NCHW) {
                throw new UnsupportedOperationException("a batch norm with locked gamma and beta, or NHWC");
            }
        }

        INDArray meanOver(INDArray a) {
            return a.mean(axes);
        }

        @Override
        Rounded forward(Rounded[] in, INDArray dl4jOutput) {
            Rounded x = input;
            INDArray v = x.value();
            axes = v.rank() == 4 ? new int[] {0, 2, 3} : new int[] {0};
            count = v.length() / v.size(1);
            INDArray gamma = along(param("gamma"), v);
            INDArray beta = along(param("beta"), v);
            Rounded y;
            if (training) {
                // μ = Σx/m; c = x - μ; var = Σc²/m, summed so or as Σx²/m - μ² (whose roundings, of mean(x²)
                // + μ², are the larger); s = √(var + eps); x̂ = c/s; y = γ·x̂ + β.
                INDArray mu = meanOver(v);
                mean = new Rounded(mu, rss(Transforms.sqrt(meanOver(square(x.spread())).divi(count), false),
                        own(count + 1, meanOver(abs(v)))));
                INDArray c = v.sub(along(mu, v));
                centred = new Rounded(c, rss(x.spread(), along(mean.spread(), v), own(1, abs(c))));
                INDArray var = meanOver(c.mul(c));
                INDArray through = Transforms.sqrt(meanOver(square(c.mul(centred.spread()))).divi(count), false).muli(2);
                variance = new Rounded(var, rss(through, own(count + 3, meanOver(v.mul(v)).addi(mu.mul(mu)))));
                INDArray s = Transforms.sqrt(var.add(conf.getEps()), true);
                std = new Rounded(s, rss(variance.spread().div(s.mul(2)), own(2, s)));
                INDArray xHat = c.div(along(s, v));
                INDArray xHatSpread = rss(centred.spread().div(along(s, v)), xHat.mul(along(std.spread().div(s), v)), own(1, abs(xHat)));
                normalised = new Rounded(xHat, xHatSpread);
                y = new Rounded(dl4jOutput, rss(xHatSpread.mul(gamma), own(2, abs(xHat.mul(gamma)).addi(abs(beta)))));
                assertMatches(xHat.mul(gamma).addi(beta), y);
            } else {
                // (x - mean) / sqrt(var + eps) · gamma + beta with the running statistics: exact inputs, and a
                // handful of roundings (10ˣ, square, sqrt, subtraction, division, product, sum).
                INDArray runMean = along(param("mean"), v);
                INDArray s = along(Transforms.sqrt(runningVariance().add(conf.getEps()), true), v);
                INDArray value = v.sub(runMean).divi(s).muli(gamma).addi(beta);
                INDArray scale = abs(gamma).divi(s);
                y = new Rounded(dl4jOutput, rss(x.spread().mul(scale), own(10, abs(v).addi(abs(runMean)).muli(scale).addi(abs(beta)))));
                assertMatches(value, y);
            }
            return y;
        }

        INDArray runningVariance() {
            if (conf.isUseLogStd()) {
                INDArray s = Transforms.exp(param("log10stdev").reshape(-1).mul(Math.log(10)), true);
                return s.mul(s);
            }
            return param("var").reshape(-1);
        }

        /** Per channel: √(Σ a²) over the channel's values. */
        INDArray quadrature(INDArray a) {
            return Transforms.sqrt(square(a).sum(axes), false);
        }

        @Override
        Rounded[] backward(Rounded gradient, Map<String, Rounded> params) {
            INDArray dy = gradient.value();
            INDArray dySpread = gradient.spread();
            INDArray xHat = normalised.value();
            INDArray xHatSpread = normalised.spread();
            params.put("beta", new Rounded(dy.sum(axes), rss(quadrature(dySpread), own(count, abs(dy).sum(axes)))));
            params.put("gamma", new Rounded(dy.mul(xHat).sum(axes), rss(quadrature(dySpread.mul(xHat)), quadrature(dy.mul(xHatSpread)),
                    own(count + 1, abs(dy.mul(xHat)).sum(axes)))));
            runningStatistics(params);

            // dx = (dxh - mean(dxh) - x̂·mean(dxh·x̂)) / s with dxh = dy·γ, as oneDNN computes it; DL4J's form
            // through dVar and dMean also rounds mean(x̂)·mean(dxh·x̂): its roundings are counted too.
            INDArray g = along(param("gamma"), dy);
            INDArray dxh = dy.mul(g);
            INDArray dxhSpread = rss(dySpread.mul(g), own(1, abs(dxh)));
            INDArray product = meanOver(dxh.mul(xHat));
            INDArray productSpread = rss(quadrature(dxhSpread.mul(xHat)).divi(count), quadrature(dxh.mul(xHatSpread)).divi(count),
                    own(count + 1, meanOver(abs(dxh.mul(xHat)))));
            INDArray meanSpread = rss(quadrature(dxhSpread).divi(count), own(count + 1, meanOver(abs(dxh))));
            INDArray inner = dxh.sub(along(meanOver(dxh), dy)).subi(xHat.mul(along(product, dy)));
            INDArray innerMagnitude = abs(dxh).addi(along(meanOver(abs(dxh)), dy))
                    .addi(abs(xHat).addi(along(meanOver(abs(xHat)), dy)).muli(along(meanOver(abs(dxh.mul(xHat))), dy)));
            INDArray innerSpread = rss(dxhSpread, along(meanSpread, dy), xHat.mul(along(productSpread, dy)),
                    xHatSpread.mul(along(product, dy)), own(4, innerMagnitude));
            INDArray s = along(std.value(), dy);
            INDArray dx = inner.div(s);
            INDArray dxSpread = rss(innerSpread.div(s), dx.mul(along(std.spread(), dy)).divi(s), own(1, abs(dx)));
            return toInput(new Rounded(dx, dxSpread));
        }

        /** DL4J's running statistics move by {@code params -= pseudo-gradient} (NoOp updater, not divided by the batch). */
        void runningStatistics(Map<String, Rounded> params) {
            double decay = conf.getDecay();
            double moving = 1 - decay;
            INDArray runMean = param("mean").reshape(-1);
            params.put("mean", new Rounded(runMean.sub(mean.value()).muli(moving),
                    rss(mean.spread().mul(moving), own(2, abs(runMean).addi(abs(mean.value())).muli(moving)))));
            if (conf.isUseLogStd()) {
                // ln(v / (d·v + (1-d)·batchVar)) / (2 ln 10): batchVar's error through its slope, and ten
                // roundings of the result and of the logarithm's unit.
                INDArray v = runningVariance();
                INDArray mixed = v.mul(decay).addi(variance.value().mul(moving));
                INDArray g = Transforms.log(v.div(mixed), true).divi(2 * Math.log(10));
                params.put("log10stdev", new Rounded(g, rss(variance.spread().mul(moving).divi(mixed.mul(2 * Math.log(10))),
                        own(10, abs(g).addi(1 / (2 * Math.log(10)))))));
            } else {
                INDArray runVar = param("var").reshape(-1);
                params.put("var", new Rounded(runVar.sub(variance.value()).muli(moving),
                        rss(variance.spread().mul(moving), own(2, abs(runVar).addi(abs(variance.value())).muli(moving)))));
            }
        }
    }

    /** An element-wise addition of its inputs (a residual connection). */
    private static final class Addition extends Stage {
        int inputs;

        @Override
        Rounded forward(Rounded[] in, INDArray dl4jOutput) {
            inputs = in.length;
            INDArray variance = square(in[0].spread());
            INDArray magnitude = abs(in[0].value());
            for (int i = 1; i < in.length; i++) {
                variance.addi(square(in[i].spread()));
                magnitude.addi(abs(in[i].value()));
            }
            return new Rounded(dl4jOutput, rss(Transforms.sqrt(variance, false), own(in.length - 1, magnitude)));
        }

        @Override
        Rounded[] backward(Rounded gradient, Map<String, Rounded> params) {
            Rounded[] out = new Rounded[inputs];
            java.util.Arrays.fill(out, gradient);
            return out;
        }
    }

    /** An NCHW convolution of {@code x [N, C, H, W]} with {@code w [O, C, kH, kW]}, as DL4J's, in double. */
    private static final class Convolution {
        private Convolution() {}

        /**
         * The products of one image's convolution, as flat indices: {@code out[t] += in[t] · weight[t]}
         * within the image's output, input and the weights.
         */
        record Taps(int[] out, int[] in, int[] weight, int outH, int outW, int outSize, int inSize) {
            static Taps of(long[] xs, long[] ws, SlidingWindow window) {
                int outH = window.out(xs[2], 0);
                int outW = window.out(xs[3], 1);
                int c = (int) xs[1];
                int h = (int) xs[2];
                int w = (int) xs[3];
                int o = (int) ws[0];
                int kh = (int) ws[2];
                int kw = (int) ws[3];
                int[] out = new int[o * outH * outW * c * kh * kw];
                int[] in = new int[out.length];
                int[] weight = new int[out.length];
                int t = 0;
                for (int oc = 0; oc < o; oc++) {
                    for (int i = 0; i < outH; i++) {
                        for (int j = 0; j < outW; j++) {
                            for (int ic = 0; ic < c; ic++) {
                                for (int ky = 0; ky < kh; ky++) {
                                    int y = i * window.stride()[0] - window.padBefore()[0] + ky;
                                    for (int kx = 0; kx < kw; kx++) {
                                        int x = j * window.stride()[1] - window.padBefore()[1] + kx;
                                        if (y >= 0 && y < h && x >= 0 && x < w) {
                                            out[t] = (oc * outH + i) * outW + j;
                                            in[t] = (ic * h + y) * w + x;
                                            weight[t++] = ((oc * c + ic) * kh + ky) * kw + kx;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                return new Taps(java.util.Arrays.copyOf(out, t), java.util.Arrays.copyOf(in, t), java.util.Arrays.copyOf(weight, t),
                        outH, outW, o * outH * outW, c * h * w);
            }
        }

        /** Which of a tap's three indices an array is read or written at: per image for outputs and inputs. */
        private enum Side { OUT, IN, WEIGHT }

        private static int[] indices(Taps taps, Side side) {
            return switch (side) {
                case OUT -> taps.out();
                case IN -> taps.in();
                case WEIGHT -> taps.weight();
            };
        }

        private static int offset(Taps taps, Side side, int image) {
            return switch (side) {
                case OUT -> image * taps.outSize();
                case IN -> image * taps.inSize();
                case WEIGHT -> 0;
            };
        }

        /**
         * {@code Σ a·b} over every image's taps into {@code into}, of {@code size} values: the sums, the sums of
         * their terms' magnitudes, and the squared spreads {@code a}'s and {@code b}'s errors add to each
         * ({@code Σ a²·bSpread² + aSpread²·b² + aSpread²·bSpread²}; a null spread is an exact operand).
         */
        static INDArray[] products(Taps taps, int images, Side aSide, INDArray a, INDArray aSpread, Side bSide, INDArray b,
                                   INDArray bSpread, Side into, long[] shape) {
            double[] x = flat(a);
            double[] xs = aSpread == null ? null : flat(aSpread);
            double[] y = flat(b);
            double[] ys = bSpread == null ? null : flat(bSpread);
            int size = (int) Pools.length(shape);
            double[] value = new double[size];
            double[] terms = new double[size];
            double[] spreads = new double[size];
            int[] ai = indices(taps, aSide);
            int[] bi = indices(taps, bSide);
            int[] ti = indices(taps, into);
            for (int image = 0; image < images; image++) {
                int a0 = offset(taps, aSide, image);
                int b0 = offset(taps, bSide, image);
                int t0 = offset(taps, into, image);
                for (int t = 0; t < ti.length; t++) {
                    int i = a0 + ai[t];
                    int k = b0 + bi[t];
                    int o = t0 + ti[t];
                    double product = x[i] * y[k];
                    value[o] += product;
                    terms[o] += Math.abs(product);
                    // (a + da)(b + db) - ab = a·db + b·da + da·db: the last, second order, is all there is where a
                    // and b are both 0 here and not quite on another path (a ReLU's input near its kink, on both sides).
                    spreads[o] += (ys == null ? 0 : x[i] * x[i] * ys[k] * ys[k]) + (xs == null ? 0 : xs[i] * xs[i] * y[k] * y[k])
                            + (xs == null || ys == null ? 0 : xs[i] * xs[i] * ys[k] * ys[k]);
                }
            }
            return new INDArray[] {Nd4j.create(value, shape, 'c'), Nd4j.create(terms, shape, 'c'), Nd4j.create(spreads, shape, 'c')};
        }

        /** The convolution of {@code x} with {@code w}; see {@link #products}. */
        static INDArray[] forward(INDArray x, INDArray spread, INDArray w, Taps taps) {
            return products(taps, (int) x.size(0), Side.IN, x, spread, Side.WEIGHT, w, null, Side.OUT,
                    new long[] {x.size(0), w.size(0), taps.outH(), taps.outW()});
        }

        /** The weights' gradient {@code Σ x·dz}; see {@link #products}. */
        static INDArray[] weightGradient(INDArray x, INDArray xSpread, INDArray dz, INDArray dzSpread, long[] ws, Taps taps) {
            return products(taps, (int) x.size(0), Side.IN, x, xSpread, Side.OUT, dz, dzSpread, Side.WEIGHT, ws);
        }

        /** The input's gradient {@code Σ w·dz}; see {@link #products}. */
        static INDArray[] inputGradient(INDArray dz, INDArray dzSpread, INDArray w, long[] xs, Taps taps) {
            return products(taps, (int) xs[0], Side.OUT, dz, dzSpread, Side.WEIGHT, w, null, Side.IN, xs);
        }
    }

    /** Pooling windows over {@code [N, C, H, W]}, without padding. */
    private static final class Pools {
        private Pools() {}

        interface Window {
            /** {@code cells}: the flat input indices of output {@code out}'s window. */
            void at(int out, int[] cells);
        }

        static void windows(long[] xs, int[] kernel, int[] stride, long[] outShape, Window visit) {
            int h = (int) xs[2];
            int w = (int) xs[3];
            int outH = outShape.length == 4 ? (int) outShape[2] : 1;
            int outW = outShape.length == 4 ? (int) outShape[3] : 1;
            int[] cells = new int[kernel[0] * kernel[1]];
            for (int plane = 0; plane < xs[0] * xs[1]; plane++) {
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        int k = 0;
                        for (int ky = 0; ky < kernel[0]; ky++) {
                            for (int kx = 0; kx < kernel[1]; kx++) {
                                cells[k++] = (plane * h + i * stride[0] + ky) * w + j * stride[1] + kx;
                            }
                        }
                        visit.at((plane * outH + i) * outW + j, cells);
                    }
                }
            }
        }

        static INDArray forward(INDArray x, int[] kernel, int[] stride, boolean max, long[] outShape) {
            double[] in = flat(x);
            double[] out = new double[(int) length(outShape)];
            windows(x.shape(), kernel, stride, outShape, (o, cells) -> {
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                for (int cell : cells) {
                    acc = max ? Math.max(acc, in[cell]) : acc + in[cell] / cells.length;
                }
                out[o] = acc;
            });
            return Nd4j.create(out, outShape, 'c');
        }

        /**
         * A max-pool passes each window's gradient to its largest input. Any input that is within rounding of
         * the largest (either side's values may be off by their errors) may be the one a side picks: it may
         * get the whole gradient, or none of it.
         */
        static Rounded maxBackward(Rounded input, Rounded gradient, int[] kernel, int[] stride) {
            double[] x = flat(input.value());
            double[] bound = flat(input.bound());
            double[] g = flat(gradient.value());
            double[] gs = flat(gradient.spread());
            double[] value = new double[x.length];
            double[] spread = new double[x.length];
            windows(input.value().shape(), kernel, stride, gradient.value().shape(), (o, cells) -> {
                int largest = cells[0];
                double floor = Double.NEGATIVE_INFINITY;
                for (int cell : cells) {
                    largest = x[cell] > x[largest] ? cell : largest;
                    floor = Math.max(floor, x[cell] - 2 * bound[cell]);
                }
                value[largest] += g[o];
                int candidates = 0;
                for (int cell : cells) {
                    candidates += x[cell] + 2 * bound[cell] >= floor ? 1 : 0;
                }
                for (int cell : cells) {
                    if (candidates == 1) {
                        spread[cell] += cell == largest ? gs[o] : 0;
                    } else if (x[cell] + 2 * bound[cell] >= floor) {
                        spread[cell] += Math.abs(g[o]) / SPREADS + 2 * gs[o];
                    }
                }
            });
            long[] shape = input.value().shape();
            return new Rounded(Nd4j.create(value, shape, 'c'), Nd4j.create(spread, shape, 'c'));
        }

        static Rounded averageBackward(Rounded gradient, long[] xs, int[] kernel, int[] stride) {
            double[] g = flat(gradient.value());
            double[] gs = flat(gradient.spread());
            double[] value = new double[(int) length(xs)];
            double[] variance = new double[value.length];
            windows(xs, kernel, stride, gradient.value().shape(), (o, cells) -> {
                for (int cell : cells) {
                    value[cell] += g[o] / cells.length;
                    // g / k: its spread divided by k, and one rounding.
                    double share = gs[o] / cells.length;
                    double own = UNIT * Math.abs(g[o]) / cells.length;
                    variance[cell] += share * share + own * own;
                }
            });
            for (int i = 0; i < variance.length; i++) {
                variance[i] = Math.sqrt(variance[i]);
            }
            return new Rounded(Nd4j.create(value, xs, 'c'), Nd4j.create(variance, xs, 'c'));
        }

        static long length(long[] shape) {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }
    }

    private static double[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }
}
