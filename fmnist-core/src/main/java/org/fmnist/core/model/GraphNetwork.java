package org.fmnist.core.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A {@link Network} that is a {@link ComputationGraph} with one input and one output. */
final class GraphNetwork implements Network {
    private final ComputationGraph graph;
    /** An engine's step for this graph, empty where none has one; null until the first step decides. */
    private Optional<TrainingStep> engineStep;

    GraphNetwork(ComputationGraph graph) {
        this.graph = Objects.requireNonNull(graph, "graph");
        if (graph.getNumInputArrays() != 1 || graph.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("a network takes one input and gives one output; this graph has "
                    + graph.getNumInputArrays() + " inputs and " + graph.getNumOutputArrays() + " outputs");
        }
    }

    @Override
    public Model model() {
        return graph;
    }

    @Override
    public long numParams() {
        return graph.numParams();
    }

    @Override
    public INDArray params() {
        return graph.params();
    }

    @Override
    public void setParams(INDArray params) {
        graph.setParams(params);
    }

    @Override
    public double fit(INDArray features, INDArray labels) {
        Optional<TrainingStep> step = engineStep();
        if (step.isPresent() && step.get().accepts(features, labels)) {
            return step.get().fit(features, labels);
        }
        graph.fit(new INDArray[] {features}, new INDArray[] {labels});
        return graph.score();
    }

    @Override
    public String trainingStep() {
        return engineStep().map(step -> step.getClass().getSimpleName()).orElse("DL4J's fit");
    }

    /** The engine's step for this graph, looked up on first use. */
    private Optional<TrainingStep> engineStep() {
        if (engineStep == null) {
            // DL4J makes the gradient view on a graph's first step; an engine's step writes into it.
            if (graph.getFlattenedGradients() == null) {
                graph.initGradientsView();
            }
            engineStep = Engines.trainingStep(graph);
        }
        return engineStep;
    }

    @Override
    public INDArray output(INDArray features) {
        return graph.outputSingle(false, features);
    }

    /** An engine's inference path where one has it (fmnist-engine's for graphs of images), else DL4J's {@code output()}. */
    @Override
    public BatchInference inference() {
        return Engines.inference(graph).orElseGet(() -> new OutputInference(this));
    }

    @Override
    public INDArray updaterState() {
        return graph.getUpdater().getStateViewArray();
    }

    @Override
    public void setUpdaterState(INDArray state) {
        graph.getUpdater().setStateViewArray(state);
    }

    @Override
    public int iterationCount() {
        return graph.getIterationCount();
    }

    @Override
    public int epochCount() {
        return graph.getEpochCount();
    }

    @Override
    public void setCounts(int iterations, int epochs) {
        // A graph keeps its counters only on its configuration, and copies them to its layers before each step.
        graph.getConfiguration().setIterationCount(iterations);
        graph.getConfiguration().setEpochCount(epochs);
    }

    @Override
    public void incrementEpochCount() {
        graph.incrementEpochCount();
    }

    @Override
    public void save(Path modelZip, boolean withUpdater) throws IOException {
        ModelSerializer.writeModel(graph, modelZip.toFile(), withUpdater);
    }

    @Override
    public List<Layer> layers() {
        return List.of(graph.getLayers());
    }

    @Override
    public String summary() {
        return graph.summary();
    }
}
