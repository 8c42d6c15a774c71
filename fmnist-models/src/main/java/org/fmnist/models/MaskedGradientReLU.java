package org.fmnist.models;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.fmnist.core.model.Network;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU whose backward pass is the incoming gradient times a 0/1 mask of the positive inputs: two
 * vectorised native ops. DL4J's own ReLU runs libnd4j's {@code relu_bp}, an element-by-element
 * lambda that took 2.4 ms of the compact CNN's 22.7 ms step ({@code results/speed/profile-cnn.md}), about
 * five times what the mask and the multiply take on the same arrays. The forward pass is DL4J's.
 *
 * <p>The gradients have DL4J's values: {@code x > 0 ? 1 : 0} times the gradient is the gradient or
 * zero, which is what {@code relu_bp} returns; a masked-out zero may carry the gradient's sign (−0),
 * which equals 0 ({@code MaskedGradientReLUTest}). A saved network
 * names this class in its configuration, so DL4J reads it back wherever fmnist-models is on the
 * class path.
 */
public final class MaskedGradientReLU extends ActivationReLU {

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray gradient = in.ulike();
        Nd4j.exec(new Step(in, gradient, 0.0));
        gradient.muli(epsilon);
        return new Pair<>(gradient, null);
    }

    /**
     * Puts this ReLU in place of every plain ReLU of {@code net} (no threshold, slope or cap), a
     * graph's included. The layers read their activation at each step, so this may follow init.
     */
    public static void replaceReLUs(Network net) {
        for (Layer layer : net.layers()) {
            var conf = layer.conf().getLayer();
            if (conf instanceof BaseLayer base && isPlainReLU(base.getActivationFn())) {
                base.setActivationFn(new MaskedGradientReLU());
            } else if (conf instanceof ActivationLayer activation && isPlainReLU(activation.getActivationFn())) {
                activation.setActivationFn(new MaskedGradientReLU());
            }
        }
    }

    private static boolean isPlainReLU(IActivation fn) {
        return fn != null && fn.getClass() == ActivationReLU.class && fn.equals(new ActivationReLU());
    }
}
