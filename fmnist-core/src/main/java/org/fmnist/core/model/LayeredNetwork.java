package org.fmnist.core.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A {@link Network} that is a {@link MultiLayerNetwork}: a stack of layers. */
final class LayeredNetwork implements Network {
    private final MultiLayerNetwork net;
    /** The network's own gradient step (a stack of dense layers', a CNN's), empty for any other; null until the first step decides. */
    private Optional<OwnTrainingStep> ownStep;

    LayeredNetwork(MultiLayerNetwork net) {
        this.net = Objects.requireNonNull(net, "net");
    }

    @Override
    public Model model() {
        return net;
    }

    @Override
    public long numParams() {
        return net.numParams();
    }

    @Override
    public INDArray params() {
        return net.params();
    }

    @Override
    public void setParams(INDArray params) {
        net.setParams(params);
    }

    @Override
    public double fit(INDArray features, INDArray labels) {
        if (ownStep == null) {
            // DL4J makes the gradient view on a network's first step; the own steps write into it.
            if (net.getFlattenedGradients() == null) {
                net.initGradientsView();
            }
            ownStep = DenseStackTraining.of(net).<OwnTrainingStep>map(step -> step).or(() -> FusedCnnTraining.of(net));
        }
        if (ownStep.isPresent() && ownStep.get().accepts(features, labels)) {
            return ownStep.get().fit(features, labels);
        }
        net.fit(features, labels);
        return net.score();
    }

    /** The step {@link #fit} takes instead of DL4J's, for tests; null for DL4J's own, or before the first step decides. */
    OwnTrainingStep ownStep() {
        return ownStep == null ? null : ownStep.orElse(null);
    }

    @Override
    public INDArray output(INDArray features) {
        return net.output(features, false);
    }

    /**
     * A stack of dense layers skips DL4J's per-call overhead ({@link DenseStackInference}); a CNN
     * scores as one chain of fused oneDNN primitives ({@link FusedCnnInference}); any other network
     * through DL4J's {@code output()}.
     */
    @Override
    public BatchInference inference() {
        return DenseStackInference.of(net).or(() -> FusedCnnInference.of(net)).orElseGet(() -> new OutputInference(this));
    }

    @Override
    public INDArray updaterState() {
        return net.getUpdater().getStateViewArray();
    }

    @Override
    public void setUpdaterState(INDArray state) {
        net.getUpdater().setStateViewArray(net, state, false);
    }

    @Override
    public int iterationCount() {
        return net.getIterationCount();
    }

    @Override
    public int epochCount() {
        return net.getEpochCount();
    }

    @Override
    public void setCounts(int iterations, int epochs) {
        // These write the configuration's counters, which the updater's schedules read.
        net.setIterationCount(iterations);
        net.setEpochCount(epochs);
    }

    @Override
    public void incrementEpochCount() {
        net.incrementEpochCount();
    }

    @Override
    public void save(Path modelZip, boolean withUpdater) throws IOException {
        ModelSerializer.writeModel(net, modelZip.toFile(), withUpdater);
    }

    @Override
    public List<Layer> layers() {
        return List.of(net.getLayers());
    }

    @Override
    public String summary() {
        return net.summary();
    }
}
