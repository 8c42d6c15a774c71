package org.fmnist.models;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.fmnist.core.model.Network;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Puts DL4J's oneDNN convolution helper on a network's convolution layers. DL4J 1.0.0-M2.1 ships
 * the helper but never attaches it: its availability check looks for a class that moved in that
 * release, so every convolution runs as im2col + gemm, about 8× slower on these CPUs
 * ({@code shared/notes/dl4j-cpu-performance.md}). Only NCHW layers are accepted: with NHWC the
 * helper's weight gradients are wrong. {@code OneDnnConvolutionsTest} and {@code ResNetTest} compare its
 * gradients with DL4J's own on a batch, for a multi-layer network and for a graph.
 */
public final class OneDnnConvolutions {
    private OneDnnConvolutions() {}

    /**
     * Attaches the helper to every plain convolution layer, a graph's included; returns how many were
     * attached.
     */
    public static int attach(Network net) {
        int attached = 0;
        for (Layer layer : net.layers()) {
            if (layer.getClass() != ConvolutionLayer.class) {
                continue;
            }
            ConvolutionLayer conv = (ConvolutionLayer) layer;
            var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) conv.conf().getLayer();
            if (conf.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                throw new IllegalArgumentException("oneDNN convolutions give wrong gradients with "
                        + conf.getCnn2dDataFormat() + "; build the network in NCHW");
            }
            try {
                Field helper = ConvolutionLayer.class.getDeclaredField("helper");
                helper.setAccessible(true);
                helper.set(conv, new MKLDNNConvHelper(DataType.FLOAT));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("deeplearning4j-nn's ConvolutionLayer changed; OneDnnConvolutions needs updating", e);
            }
            attached++;
        }
        return attached;
    }
}
