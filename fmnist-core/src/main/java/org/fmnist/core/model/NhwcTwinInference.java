package org.fmnist.core.model;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inference for a convolutional multi-layer network trained in NCHW (channels first), through a twin
 * of it in NHWC (channels last) made from its current weights for one pass over a data set.
 *
 * <p>Why: on the compact CNN, DL4J's oneDNN convolution helper scored 1,000 images in 93–112 ms in
 * NHWC against 159–201 ms in NCHW, with outputs within 5e-8 of DL4J's own NHWC path
 * ({@code bench/probes/CnnInferenceNhwc.java}, {@code results/profile-cnn-inference.md}). Training
 * stays in NCHW, where the helper's weight gradients are right; scoring takes no gradients.
 *
 * <p>The twin has the same layers with the data format switched, and the same weights but for one
 * matrix: the dense layer after the flattening reads its inputs in another order (height, width,
 * channel instead of channel, height, width), so its rows are permuted to match. Its layers get the
 * oneDNN helpers where the network's own have them. {@code NhwcTwinInferenceTest} compares its
 * probabilities with the network's own {@code output()}.
 */
final class NhwcTwinInference implements BatchInference {
    private final MultiLayerNetwork twin;
    private final long height;
    private final long width;

    private NhwcTwinInference(MultiLayerNetwork twin, long height, long width) {
        this.twin = twin;
        this.height = height;
        this.width = width;
    }

    /**
     * The twin's inference for {@code net}, or empty for a network it does not cover: any layer but
     * convolution, max or average pooling, batch norm, activation, dropout, dense and output layers; a
     * convolution not in NCHW; input other than one-channel images from flat rows.
     */
    static Optional<BatchInference> of(MultiLayerNetwork net) {
        if (net.getClass() != MultiLayerNetwork.class
                || !(net.getLayerWiseConfigurations().getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor input)
                || input.getNumChannels() != 1) {
            return Optional.empty();
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        Map<Integer, InputPreProcessor> preprocessors = new HashMap<>();
        Integer flattenedAt = null;
        CnnToFeedForwardPreProcessor flattening = null;
        boolean convolutional = false;
        for (int i = 0; i < net.getnLayers(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer layer = conf.getConf(i).getLayer();
            Class<?> kind = layer.getClass();
            if (kind == ConvolutionLayer.class) {
                ConvolutionLayer conv = (ConvolutionLayer) layer;
                if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                    return Optional.empty();
                }
                conv.setCnn2dDataFormat(CNN2DFormat.NHWC);
                convolutional = true;
            } else if (kind == SubsamplingLayer.class) {
                ((SubsamplingLayer) layer).setCnn2dDataFormat(CNN2DFormat.NHWC);
            } else if (kind == BatchNormalization.class) {
                ((BatchNormalization) layer).setCnn2DFormat(CNN2DFormat.NHWC);
            } else if (kind != ActivationLayer.class && kind != DropoutLayer.class && kind != DenseLayer.class
                    && kind != OutputLayer.class) {
                return Optional.empty();
            }
            InputPreProcessor preprocessor = conf.getInputPreProcess(i);
            if (i > 0 && preprocessor != null) {
                if (!(preprocessor instanceof CnnToFeedForwardPreProcessor flatten) || flattenedAt != null) {
                    return Optional.empty();
                }
                CnnToFeedForwardPreProcessor nhwc = flatten.clone();
                nhwc.setFormat(CNN2DFormat.NHWC);
                preprocessors.put(i, nhwc);
                flattenedAt = i;
                flattening = flatten;
            }
        }
        if (!convolutional || flattenedAt == null) {
            return Optional.empty();
        }
        // The layer after the flattening is the one whose weight rows are permuted below.
        Class<?> reader = conf.getConf(flattenedAt).getLayer().getClass();
        if ((reader != DenseLayer.class && reader != OutputLayer.class)
                || !((org.deeplearning4j.nn.layers.BaseLayer<?>) net.getLayer(flattenedAt)).hasBias()) {
            return Optional.empty();
        }
        // No preprocessor for the input: score() hands the twin NHWC images itself.
        conf.setInputPreProcessors(preprocessors);

        MultiLayerNetwork twin = new MultiLayerNetwork(conf);
        twin.init(net.params(), true);
        INDArray weights = net.getLayer(flattenedAt).getParam("W");
        twin.getLayer(flattenedAt).getParam("W").assign(weights.getRows(
                channelsLastOrder(flattening.getNumChannels(), flattening.getInputHeight(), flattening.getInputWidth())));
        for (int i = 0; i < net.getnLayers(); i++) {
            if (net.getLayer(i).getHelper() != null) {
                OneDnnLayers.attachForScoring(twin.getLayer(i));
            }
        }
        return Optional.of(new NhwcTwinInference(twin, input.getInputHeight(), input.getInputWidth()));
    }

    /**
     * For each input of the twin's dense layer, in its order (height, width, channel), the row of the
     * network's weights that reads the same feature (in channel, height, width order).
     */
    private static int[] channelsLastOrder(long channels, long height, long width) {
        int[] rows = new int[Math.toIntExact(channels * height * width)];
        int t = 0;
        for (long h = 0; h < height; h++) {
            for (long w = 0; w < width; w++) {
                for (long c = 0; c < channels; c++) {
                    rows[t++] = Math.toIntExact(c * height * width + h * width + w);
                }
            }
        }
        return rows;
    }

    @Override
    public void score(INDArray features, float[] into, int offset) {
        // One channel: a row of pixels is already the image in NHWC order, so this is a view.
        INDArray images = features.reshape('c', features.size(0), height, width, 1);
        try (INDArray output = twin.output(images, false)) {
            BatchInference.copyRows(output, into, offset);
        }
    }

    @Override
    public void close() {
        twin.close();
    }

    /** The twin's layers, for tests. */
    Layer[] layers() {
        return twin.getLayers();
    }
}
