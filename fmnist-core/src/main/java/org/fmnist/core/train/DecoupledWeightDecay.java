package org.fmnist.core.train;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.fmnist.core.model.Network;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * {@code training.weight_decay}: decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight
 * Decay Regularization", 2019), which shrinks each weight by learning rate × coefficient every step,
 * apart from the optimizer's own step. With Adam this is not the same as an L2 term in the loss, whose
 * gradient Adam would rescale.
 *
 * <p>It is set on the layers of a network after the model made it, so that it works for every model,
 * plugins' too, without each one reading the key. DL4J reads a layer's regularization at every update,
 * so setting it on the live layers is enough. Biases are left alone, as is usual: decaying them
 * constrains nothing that overfits. Batch-norm layers are BaseLayers too, but DL4J never regularizes
 * their scale and shift, whatever their configuration says.
 */
public final class DecoupledWeightDecay {
    private DecoupledWeightDecay() {}

    /** Sets decay {@code coefficient} on the weights of every layer of {@code net} that has weights. */
    public static void attach(Network net, double coefficient) {
        for (Layer layer : net.layers()) {
            if (layer.conf().getLayer() instanceof BaseLayer weighted) {
                weighted.setRegularization(List.of(new WeightDecay(coefficient, true)));
            }
        }
    }
}
