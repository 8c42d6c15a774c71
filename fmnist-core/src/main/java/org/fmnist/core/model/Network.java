package org.fmnist.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J network of either kind: a {@link MultiLayerNetwork} (a stack of layers) or a
 * {@link ComputationGraph} (layers joined by any graph of vertices, which skip connections need).
 *
 * <p>Why a wrapper: DL4J's two network classes share no interface for what training needs. Their
 * common {@link Model} has no {@code fit(features, labels)} or {@code output}, a graph fits and
 * answers with arrays of inputs and outputs, their updaters are different classes, and only the
 * multi-layer network can set its step counters. This type gives the trainer, checkpoints and
 * predictions one small API; most methods are a line or two of DL4J in the two implementations.
 * Where DL4J's own path is slow for a kind of network, {@link #fit} and {@link #inference} take a
 * faster one from an {@link Engine}, with the same results up to float rounding: fmnist-engine trains
 * and scores a stack of dense layers through its own step, and a CNN or a graph of images such as a
 * residual network through oneDNN primitives called directly.
 *
 * <p>A network takes flat {@code [batch, 784]} features and has a single output.
 */
public sealed interface Network permits LayeredNetwork, GraphNetwork {

    /** Wraps an initialised multi-layer network. */
    static Network of(MultiLayerNetwork net) {
        return new LayeredNetwork(net);
    }

    /** Wraps an initialised computation graph with one input and one output. */
    static Network of(ComputationGraph graph) {
        return new GraphNetwork(graph);
    }

    /**
     * Reads a model.zip written by {@link #save}; detects which kind it holds.
     *
     * @param withUpdater whether to load the optimizer state too (needed only to train on)
     */
    static Network restore(Path modelZip, boolean withUpdater) throws IOException {
        // ModelSerializer has a reader per kind and none that tells them apart; the saved
        // configuration does: a graph's lists its vertices, a multi-layer network's its layer confs.
        JsonNode configuration;
        try (ZipFile zip = new ZipFile(modelZip.toFile())) {
            ZipEntry entry = zip.getEntry("configuration.json");
            if (entry == null) {
                throw new IOException(modelZip + " holds no configuration.json; it is not a DL4J model");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                configuration = new ObjectMapper().readTree(in);
            }
        }
        if (configuration.has("vertices")) {
            return of(ModelSerializer.restoreComputationGraph(modelZip.toFile(), withUpdater));
        }
        if (configuration.has("confs")) {
            return of(ModelSerializer.restoreMultiLayerNetwork(modelZip.toFile(), withUpdater));
        }
        throw new IOException(modelZip + " holds neither a multi-layer network nor a computation graph");
    }

    /** The DL4J object itself, for what this API leaves out. */
    Model model();

    long numParams();

    /** All weights in one flat array (a view: copy it to keep it). */
    INDArray params();

    /** Copies {@code params} into the network's weights. */
    void setParams(INDArray params);

    /** One gradient step on a batch; returns the batch's score (its mean loss). */
    double fit(INDArray features, INDArray labels);

    /**
     * Which step {@link #fit} takes: the name of an engine's step (such as {@code FusedGraphTraining}),
     * or {@code DL4J's fit} where no engine has one. A batch the engine's step does not take (another
     * layout of rows) goes through DL4J's fit all the same.
     */
    String trainingStep();

    /** The output for {@code features} in inference mode (no dropout); a graph's single output. */
    INDArray output(INDArray features);

    /**
     * What scores a data set batch after batch, as {@link #output} does; {@code Predictor}'s path for
     * evaluation, {@code predict} and {@code ensemble}.
     */
    default BatchInference inference() {
        return new OutputInference(this);
    }

    /** The optimizer's state in one flat array; null for an optimizer that keeps none. */
    INDArray updaterState();

    /** Copies {@code state}, as {@link #updaterState()} returned it, into the optimizer. */
    void setUpdaterState(INDArray state);

    /** Gradient steps taken so far. */
    int iterationCount();

    /** Epochs counted so far by {@link #incrementEpochCount()}; learning-rate schedules read it. */
    int epochCount();

    /** Sets both counters, on the network and its configuration, as a resumed run needs them. */
    void setCounts(int iterations, int epochs);

    /** Counts one more epoch: fitting batch by batch does not count epochs itself. */
    void incrementEpochCount();

    /** Writes the network, and the optimizer state when {@code withUpdater}, as a DL4J model.zip. */
    void save(Path modelZip, boolean withUpdater) throws IOException;

    /** Every layer: a graph's are those of its layer vertices. */
    List<Layer> layers();

    /**
     * The names of the batch-norm layers configured with an activation DL4J will never apply.
     * DL4J 1.0.0-M2.1's {@code BatchNormalization} accepts an activation and ignores it: the layer
     * passes its normalised input on unchanged (deeplearning4j issue #4222), so a "batch norm +
     * ReLU" layer is linear and a network built of them learns like a linear model. The fix is an
     * {@code ActivationLayer} after the batch norm. Sigmoid is not reported: it is what DL4J records
     * on every layer given no activation, so it cannot be told from one left unset.
     */
    default List<String> layersIgnoringTheirActivation() {
        return layers().stream()
                .map(layer -> layer.conf().getLayer())
                .filter(conf -> conf instanceof BatchNormalization norm
                        && !(norm.getActivationFn() instanceof ActivationIdentity)
                        && !(norm.getActivationFn() instanceof ActivationSigmoid))
                .map(conf -> conf.getLayerName())
                .toList();
    }

    /** DL4J's table of the network's layers, shapes and parameter counts. */
    String summary();
}
