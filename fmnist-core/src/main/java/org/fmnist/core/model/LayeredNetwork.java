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
    /** An engine's step for this network, empty where none has one; null until the first step decides. */
    private Optional<TrainingStep> engineStep;

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
        Optional<TrainingStep> step = engineStep();
        if (step.isPresent() && step.get().accepts(features, labels)) {
            return step.get().fit(features, labels);
        }
        net.fit(features, labels);
        return net.score();
    }

    @Override
    public String trainingStep() {
        return engineStep().map(step -> step.getClass().getSimpleName()).orElse("DL4J's fit");
    }

    /** The engine's step for this network, looked up on first use. */
    private Optional<TrainingStep> engineStep() {
        if (engineStep == null) {
            // DL4J makes the gradient view on a network's first step; an engine's step writes into it.
            if (net.getFlattenedGradients() == null) {
                net.initGradientsView();
            }
            engineStep = Engines.trainingStep(net);
        }
        return engineStep;
    }

    @Override
    public INDArray output(INDArray features) {
        return net.output(features, false);
    }

    /** An engine's inference path where one has it (fmnist-engine's for dense stacks and CNNs), else DL4J's {@code output()}. */
    @Override
    public BatchInference inference() {
        return Engines.inference(net).orElseGet(() -> new OutputInference(this));
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
