package org.fmnist.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.model.BatchInference;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference for a multi-layer network made only of dense layers and a dense output layer whose
 * activations {@link FusedInference} does not fuse (tanh, sigmoid and DL4J's others): per layer one BLAS {@code gemm} into the layer's output, {@code addiRowVector} of the
 * bias and the activation in place, into arrays made once per batch size.
 *
 * <p>Why not DL4J's {@code output()}: its {@code mmuli} computes each product into a column-major
 * array and then copies it into the row-major output, inside workspaces and checks. For the reference
 * dense model it took 1.8–1.9 ms per 1,000 images where this takes 1.0 ms, read-back included
 * ({@code bench/probes/DenseInference.java}). The {@code gemm} straight into a row-major array sums in
 * another order, so the outputs differ from DL4J's by float rounding, about one
 * part in a million ({@code DenseStackInferenceTest} bounds it); predictions made by the two agree.
 */
final class DenseStackInference implements BatchInference {

    /** One layer's parameters (views of the network's own) and activation. */
    private record DenseStep(INDArray weights, INDArray bias, IActivation activation) {}

    private final List<DenseStep> steps;
    /** Each layer's output for the current batch size. */
    private final List<INDArray> outputs = new ArrayList<>();

    private DenseStackInference(List<DenseStep> steps) {
        this.steps = steps;
    }

    /**
     * The dense inference of {@code net}, or empty when any of its layers is more than a dense layer
     * with a bias (another kind of layer, layer normalisation, an input preprocessor): those run
     * through DL4J's {@code output()}.
     */
    static Optional<BatchInference> of(MultiLayerNetwork net) {
        List<DenseStep> steps = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            boolean dense = layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class;
            if (!dense || net.getLayerWiseConfigurations().getInputPreProcess(i) != null) {
                return Optional.empty();
            }
            BaseLayer<?> base = (BaseLayer<?>) layer;
            if (!base.hasBias() || base.hasLayerNorm() || base.getParam("W").dataType() != DataType.FLOAT) {
                return Optional.empty();
            }
            var conf = (org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer();
            steps.add(new DenseStep(base.getParam("W"), base.getParam("b"), conf.getActivationFn()));
        }
        return steps.isEmpty() ? Optional.empty() : Optional.of(new DenseStackInference(steps));
    }

    @Override
    public void score(INDArray features, float[] into, int offset) {
        long rows = features.size(0);
        if (outputs.isEmpty() || outputs.get(0).size(0) != rows) {
            close();
            for (DenseStep step : steps) {
                outputs.add(Nd4j.createUninitialized(DataType.FLOAT, rows, step.weights().size(1)));
            }
        }
        INDArray input = features;
        for (int i = 0; i < steps.size(); i++) {
            DenseStep step = steps.get(i);
            INDArray z = Nd4j.gemm(input, step.weights(), outputs.get(i), false, false, 1.0, 0.0);
            z.addiRowVector(step.bias());
            // DL4J's activations work in place, as its own layers rely on.
            input = step.activation().getActivation(z, false);
        }
        BatchInference.copyRows(input, into, offset);
    }

    @Override
    public void close() {
        outputs.forEach(INDArray::close);
        outputs.clear();
    }
}
