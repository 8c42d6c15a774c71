package org.fmnist.engine;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
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

/**
 * A gradient step for a multi-layer network of dense layers under a softmax output trained on
 * cross-entropy, such as the dense model, that does DL4J's arithmetic with a fraction of its calls.
 *
 * <p>Why: for the dense model DL4J's step took 793 µs, of which 335 µs were inside 33 native ops and
 * the rest the Java and JNI work around each op and garbage collection ({@code results/speed/profile-dense.md});
 * its two softmax calls alone took 66 µs for 32 × 10 numbers. Here the matrix products stay with BLAS
 * ({@code gemm}, one per product, into arrays made once per batch size), and what is elementwise and
 * small (bias, activation, softmax, loss, bias gradients) is a Java loop over copies read and written in
 * bulk.
 *
 * <p>The rest is DL4J's own: the gradient is written into the network's gradient view in DL4J's layout,
 * then the network's updater turns it into the update exactly as after DL4J's backpropagation (division
 * by the batch size, any updater and schedule, L2 and weight decay), and the update is
 * subtracted from the parameter view, as DL4J's step function does. So the weights, the optimizer state
 * and the counters live where they did, and checkpoints, {@code model.zip} and {@code resume} are
 * unchanged. The sums run in another order and Java's {@code exp} rounds differently from libnd4j's, so
 * gradients agree with DL4J's up to float rounding, not to the bit; {@code DenseStackTrainingTest}
 * compares gradients, updates and optimizer state with DL4J's step.
 */
final class DenseStackTraining implements OwnTrainingStep {

    /** One layer: views of the network's parameters and gradients, and its activation. */
    private record DenseStep(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient,
                             Activation activation) {
        int inputs() {
            return (int) weights.size(0);
        }

        int outputs() {
            return (int) weights.size(1);
        }
    }

    /** The activations this step differentiates itself, from the layer's output alone. */
    private enum Activation {
        IDENTITY, RELU, TANH, SIGMOID, SOFTMAX;

        static Optional<Activation> of(IActivation fn) {
            if (fn.equals(new ActivationReLU())) {
                return Optional.of(RELU);
            }
            if (fn instanceof ActivationIdentity) {
                return Optional.of(IDENTITY);
            }
            if (fn instanceof ActivationTanH) {
                return Optional.of(TANH);
            }
            if (fn instanceof ActivationSigmoid) {
                return Optional.of(SIGMOID);
            }
            return fn instanceof ActivationSoftmax ? Optional.of(SOFTMAX) : Optional.empty();
        }

        float apply(float z) {
            return switch (this) {
                case RELU -> z > 0 ? z : 0f;
                case TANH -> (float) Math.tanh(z);
                case SIGMOID -> (float) (1 / (1 + Math.exp(-z)));
                default -> z;
            };
        }

        /** The derivative at the input whose output is {@code a}. */
        float slopeAt(float a) {
            return switch (this) {
                case RELU -> a > 0 ? 1f : 0f;
                case TANH -> 1 - a * a;
                case SIGMOID -> a * (1 - a);
                default -> 1f;
            };
        }
    }

    private final MultiLayerNetwork net;
    private final List<DenseStep> steps;
    private final double clipping;
    /** The network's gradient view with a name per parameter, as DL4J's backpropagation hands it to the updater. */
    private final DefaultGradient gradient;
    /** The same view in the shape of the parameter view, {@code [n]} where the gradient's is {@code [1, n]}. */
    private final INDArray update;
    /** Each layer's bias and bias gradient where they lie in native memory, read and written in bulk. */
    private final FloatBuffer[] biases;
    private final FloatBuffer[] biasGradients;

    // Per layer, for the current batch size: its output, then (backwards) the loss gradient at its
    // pre-activation, natively and as a Java copy. Made again only when the batch size changes.
    private int rows = -1;
    private INDArray[] outputs;
    private FloatBuffer[] outputBuffers;
    private float[][] outputValues;
    private INDArray[] deltas;
    private FloatBuffer[] deltaBuffers;
    private float[][] deltaValues;
    private float[] labelValues;
    private final float[] biasValues;

    private DenseStackTraining(MultiLayerNetwork net, List<DenseStep> steps, double clipping) {
        this.net = net;
        this.steps = steps;
        this.clipping = clipping;
        this.gradient = new NetworkGradient(net::getFlattenedGradients);
        this.update = net.getFlattenedGradients().reshape(net.params().shape());
        this.biases = new FloatBuffer[steps.size()];
        this.biasGradients = new FloatBuffer[steps.size()];
        int widest = 0;
        for (int i = 0; i < steps.size(); i++) {
            DenseStep step = steps.get(i);
            // DL4J's key: the layer's index and the parameter, which its updater splits at the '_'.
            gradient.setGradientFor(i + "_" + DefaultParamInitializer.WEIGHT_KEY, step.weightGradient());
            gradient.setGradientFor(i + "_" + DefaultParamInitializer.BIAS_KEY, step.biasGradient());
            biases[i] = OwnTrainingStep.floats(step.bias());
            biasGradients[i] = OwnTrainingStep.floats(step.biasGradient());
            widest = Math.max(widest, step.outputs());
        }
        this.biasValues = new float[widest];
    }

    /**
     * The step for {@code net}, or empty when DL4J's own must run: any layer that is not a plain dense
     * layer with a bias and one of the activations above; an output that is not softmax on unweighted
     * cross-entropy; dropout, weight noise, constraints or gradient normalisation; an input
     * preprocessor; parameters that are not float; a subclass of {@code MultiLayerNetwork}.
     */
    static Optional<DenseStackTraining> of(MultiLayerNetwork net) {
        if (net.getClass() != MultiLayerNetwork.class) {
            return Optional.empty(); // a subclass may have its own fit()
        }
        List<DenseStep> steps = new ArrayList<>();
        double clipping = 0;
        int last = net.getnLayers() - 1;
        for (int i = 0; i <= last; i++) {
            Layer layer = net.getLayer(i);
            Class<?> kind = i == last ? OutputLayer.class : DenseLayer.class;
            if (layer.getClass() != kind || net.getLayerWiseConfigurations().getInputPreProcess(i) != null) {
                return Optional.empty();
            }
            BaseLayer<?> base = (BaseLayer<?>) layer;
            var conf = (org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer();
            boolean plain = base.hasBias() && !base.hasLayerNorm() && base.getParam("W").dataType() == DataType.FLOAT
                    && conf.getIDropout() == null && conf.getWeightNoise() == null
                    && (conf.getConstraints() == null || conf.getConstraints().isEmpty())
                    && (conf.getGradientNormalization() == null || conf.getGradientNormalization() == GradientNormalization.None)
                    && layer.conf().isMiniBatch() && layer.conf().getStepFunction() == null;
            Optional<Activation> activation = Activation.of(conf.getActivationFn());
            if (!plain || activation.isEmpty() || (activation.get() == Activation.SOFTMAX) != (i == last)) {
                return Optional.empty();
            }
            if (i == last) {
                var output = (org.deeplearning4j.nn.conf.layers.OutputLayer) conf;
                if (!(output.getLossFn() instanceof LossMCXENT loss) || loss.getWeights() != null) {
                    return Optional.empty();
                }
                clipping = loss.getSoftmaxClipEps();
            }
            INDArray weights = base.getParam(DefaultParamInitializer.WEIGHT_KEY);
            var gradients = DefaultParamInitializer.getInstance().getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
            steps.add(new DenseStep(weights, base.getParam(DefaultParamInitializer.BIAS_KEY),
                    gradients.get(DefaultParamInitializer.WEIGHT_KEY), gradients.get(DefaultParamInitializer.BIAS_KEY),
                    activation.get()));
        }
        return steps.isEmpty() ? Optional.empty() : Optional.of(new DenseStackTraining(net, steps, clipping));
    }

    /**
     * Whether this step can take {@code features} and {@code labels} as they are (row-major float rows
     * of the right widths), and nothing outside it listens to DL4J's iterations.
     */
    @Override
    public boolean accepts(INDArray features, INDArray labels) {
        return OwnTrainingStep.takesBatch(net, features, steps.get(0).inputs(), labels, steps.get(steps.size() - 1).outputs());
    }

    @Override
    public double fit(INDArray features, INDArray labels) {
        int n = (int) features.size(0);
        if (n != rows) {
            allocate(n);
        }
        int last = steps.size() - 1;
        INDArray input = features;
        for (int l = 0; l <= last; l++) {
            DenseStep step = steps.get(l);
            Nd4j.gemm(input, step.weights(), outputs[l], false, false, 1.0, 0.0);
            float[] values = outputValues[l];
            outputBuffers[l].get(0, values);
            biases[l].get(0, biasValues, 0, step.outputs());
            int width = step.outputs();
            for (int i = 0; i < values.length; i++) {
                values[i] = step.activation().apply(values[i] + biasValues[i % width]);
            }
            if (l < last) {
                outputBuffers[l].put(0, values);
            }
            input = outputs[l];
        }
        // DL4J's score: the mean loss plus any regularisation's term (L2's; zero without any).
        double loss = softmaxLoss(labels) + net.calcRegularizationScore(true);

        for (int l = last; l >= 0; l--) {
            DenseStep step = steps.get(l);
            INDArray layerInput = l == 0 ? features : outputs[l - 1];
            Nd4j.gemm(layerInput, deltas[l], step.weightGradient(), true, false, 1.0, 0.0);
            biasGradients[l].put(0, columnSums(deltaValues[l], step.outputs()), 0, step.outputs());
            if (l > 0) {
                Nd4j.gemm(deltas[l], step.weights(), deltas[l - 1], false, true, 1.0, 0.0);
                float[] delta = deltaValues[l - 1];
                float[] below = outputValues[l - 1];
                Activation activation = steps.get(l - 1).activation();
                deltaBuffers[l - 1].get(0, delta);
                for (int i = 0; i < delta.length; i++) {
                    delta[i] *= activation.slopeAt(below[i]);
                }
                deltaBuffers[l - 1].put(0, delta);
            }
        }

        return OwnTrainingStep.update(net, gradient, update, n, loss);
    }

    /**
     * Softmax over the last layer's pre-activations (in {@code outputValues}, in place), the mean
     * cross-entropy as DL4J's {@code LossMCXENT} scores it (probabilities clipped), and its gradient
     * {@code p - y} into the last delta.
     */
    private double softmaxLoss(INDArray labels) {
        int last = steps.size() - 1;
        OwnTrainingStep.floats(labels).get(0, labelValues);
        double loss = SoftmaxCrossEntropy.lossAndGradient(outputValues[last], labelValues, deltaValues[last], rows,
                steps.get(last).outputs(), clipping);
        deltaBuffers[last].put(0, deltaValues[last]);
        return loss;
    }

    private float[] columnSums(float[] values, int width) {
        Arrays.fill(biasValues, 0, width, 0f);
        for (int i = 0; i < values.length; i++) {
            biasValues[i % width] += values[i];
        }
        return biasValues;
    }

    private void allocate(int n) {
        release();
        int layers = steps.size();
        outputs = new INDArray[layers];
        outputBuffers = new FloatBuffer[layers];
        outputValues = new float[layers][];
        deltas = new INDArray[layers];
        deltaBuffers = new FloatBuffer[layers];
        deltaValues = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int width = steps.get(l).outputs();
            outputs[l] = Nd4j.createUninitialized(DataType.FLOAT, n, width);
            outputBuffers[l] = OwnTrainingStep.floats(outputs[l]);
            outputValues[l] = new float[n * width];
            deltas[l] = Nd4j.createUninitialized(DataType.FLOAT, n, width);
            deltaBuffers[l] = OwnTrainingStep.floats(deltas[l]);
            deltaValues[l] = new float[n * width];
        }
        labelValues = new float[n * steps.get(layers - 1).outputs()];
        rows = n;
    }

    /** Frees the arrays made for the previous batch size now rather than when Java collects them. */
    private void release() {
        if (outputs != null) {
            for (int l = 0; l < outputs.length; l++) {
                outputs[l].close();
                deltas[l].close();
            }
            outputs = null;
        }
        rows = -1;
    }
}
