package org.fmnist.core.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Puts DL4J's oneDNN helpers on a network's convolution and batch-norm layers. DL4J 1.0.0-M2.1
 * ships them but never attaches them: its availability check looks for a class that moved in that
 * release. Without them every convolution runs as im2col + gemm, about 8× slower on these CPUs
 * ({@code shared/notes/dl4j-cpu-performance.md}), and every batch norm as a chain of a dozen
 * broadcast ops (the helper makes a deep CNN's step about a fifth shorter).
 *
 * <p>Only NCHW is accepted for training: with NHWC the convolution helper's weight gradients are
 * wrong.
 * {@code OneDnnLayersTest} and {@code ResNetTest} compare the gradients and the updated weights and
 * batch-norm statistics with DL4J's own path, for a multi-layer network and for a graph. The oneDNN
 * pooling helper is not attached: it computed the same as DL4J's pooling and was no faster
 * ({@code results/speed/benchmark-levers-74dd122.md}).
 */
public final class OneDnnLayers {
    private OneDnnLayers() {}

    /**
     * Attaches the helpers to every plain convolution and batch-norm layer, a graph's included, for
     * training; refuses a network with a layer they cannot take (see {@link #refusal}).
     */
    public static void attach(Network net) {
        for (Layer layer : net.layers()) {
            String refusal = refusal(layer);
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
            attachTo(layer);
        }
    }

    /**
     * Attaches the helpers for scoring a saved network ({@code predict}, {@code ensemble}): a layer
     * they cannot take keeps DL4J's own path, which is right for it, only slower.
     */
    public static void attachWhereSupported(Network net) {
        for (Layer layer : net.layers()) {
            if (refusal(layer) == null) {
                attachTo(layer);
            }
        }
    }

    /** Why the helper cannot take {@code layer}, with the fix; null when it can or the layer has none. */
    private static String refusal(Layer layer) {
        if (layer.getClass() == ConvolutionLayer.class) {
            var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layer.conf().getLayer();
            if (conf.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                return "oneDNN convolutions give wrong gradients with " + conf.getCnn2dDataFormat()
                        + "; build the network in NCHW";
            }
        } else if (layer.getClass() == BatchNormalization.class) {
            var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer();
            // The helper's own checkSupported also asks the broken availability check, so only the
            // condition it adds is tested here.
            if (conf.isLockGammaBeta()) {
                return "oneDNN batch norm does not support locked gamma and beta (layer " + conf.getLayerName()
                        + "); build the network with onednn off";
            }
        }
        return null;
    }

    private static void attachTo(Layer layer) {
        if (layer.getClass() == ConvolutionLayer.class) {
            setHelper(layer, ConvolutionLayer.class, new MKLDNNConvHelper(DataType.FLOAT));
        } else if (layer.getClass() == BatchNormalization.class) {
            setHelper(layer, BatchNormalization.class, new MKLDNNBatchNormHelper(DataType.FLOAT));
        }
    }

    private static void setHelper(Layer layer, Class<?> declaring, Object helper) {
        try {
            Field field = declaring.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(layer, helper);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("deeplearning4j-nn's " + declaring.getSimpleName()
                    + " changed; OneDnnLayers needs updating", e);
        }
    }
}
