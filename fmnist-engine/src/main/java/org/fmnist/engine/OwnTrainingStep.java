package org.fmnist.engine;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.fmnist.core.model.TrainingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * This engine's steps ({@link DenseStackTraining}, {@link FusedCnnTraining}, {@link FusedGraphTraining})
 * and what they share: the gradient goes into the network's gradient view, and the network's own
 * updater turns it into the update, as in DL4J's step.
 */
interface OwnTrainingStep extends TrainingStep {

    /**
     * The end of DL4J's step, after the gradient is in {@code net}'s gradient view: its updater makes the
     * update in that view ({@code update}, shaped as the parameters), dividing by the batch size and
     * applying any schedule and regularisation; then {@code params -= update} and the counters. Returns
     * {@code loss}, recorded as the network's score.
     */
    static double update(MultiLayerNetwork net, Gradient gradient, INDArray update, int batchSize, double loss) {
        int iteration = net.getIterationCount();
        net.getUpdater().update(net, gradient, iteration, net.getEpochCount(), batchSize, LayerWorkspaceMgr.noWorkspaces());
        net.params().subi(update);
        net.setIterationCount(iteration + 1);
        net.setScore(loss);
        return loss;
    }

    /** {@link #update(MultiLayerNetwork, Gradient, INDArray, int, double)} for a graph, which keeps its counters on its configuration. */
    static double update(ComputationGraph graph, Gradient gradient, INDArray update, int batchSize, double loss) {
        int iteration = graph.getIterationCount();
        graph.getUpdater().update(gradient, iteration, graph.getEpochCount(), batchSize, LayerWorkspaceMgr.noWorkspaces());
        graph.params().subi(update);
        graph.getConfiguration().setIterationCount(iteration + 1);
        graph.setScore(loss);
        return loss;
    }

    /**
     * Whether a batch can go to an own step as it is: nothing outside the step listens to DL4J's
     * iterations on {@code net}, and features and labels are row-major float rows, not views, of
     * {@code inputs} and {@code outputs} columns, as many of one as of the other.
     */
    static boolean takesBatch(MultiLayerNetwork net, INDArray features, long inputs, INDArray labels, long outputs) {
        return net.getListeners().isEmpty() && takesBatch(features, inputs, labels, outputs);
    }

    /** Whether features and labels are row-major float rows, not views, of the given columns, as many of one as of the other. */
    static boolean takesBatch(INDArray features, long inputs, INDArray labels, long outputs) {
        return rows(features, inputs) && rows(labels, outputs) && features.size(0) == labels.size(0);
    }

    private static boolean rows(INDArray a, long columns) {
        return a.rank() == 2 && a.dataType() == DataType.FLOAT && a.size(1) == columns && a.ordering() == 'c'
                && a.elementWiseStride() == 1 && !a.isView();
    }

    /** The array's floats where they lie in native memory (the address includes a view's offset). */
    static FloatBuffer floats(INDArray a) {
        return new FloatPointer(a.data().addressPointer()).capacity(a.length()).asBuffer();
    }
}
