package org.fmnist.models;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.OneDnnLayers;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The convolutional networks' common shape: blocks of same-padded k×k convolutions (each optionally
 * batch-normalised), 2×2 max-pooling after each block, a dense layer, then softmax. Dropout rates
 * here are the chance to drop; DL4J's {@code dropOut} takes the chance to keep.
 *
 * @param filters output channels of each block
 * @param convsPerBlock convolutions in each block
 * @param blockDropout chance to drop a block's output (0: none)
 * @param denseDropout chance to drop the dense layer's output
 */
record ConvNets(int[] filters, int convsPerBlock, int kernel, boolean batchNorm, double blockDropout, int dense,
                double denseDropout, boolean oneDnn) {

    Network build(ModelContext context) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(context.seed())
                .updater(context.updater())
                // Keeps each convolution's output from the forward pass for the backward pass, which
                // otherwise runs the convolution a second time.
                .cacheMode(CacheMode.DEVICE)
                .weightInit(WeightInit.RELU)
                .list();
        boolean dropNext = false;
        for (int f : filters) {
            for (int c = 0; c < convsPerBlock; c++) {
                ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(kernel, kernel).nOut(f)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(batchNorm ? Activation.IDENTITY : Activation.RELU)
                        // A helper failure must surface, not quietly fall back to the slow path.
                        .cudnnAllowFallback(false);
                if (dropNext) {
                    conv.dropOut(1 - blockDropout);
                    dropNext = false;
                }
                list.layer(conv.build());
                if (batchNorm) {
                    // Two layers: DL4J's batch norm ignores an activation given to it.
                    list.layer(new BatchNormalization.Builder().cudnnAllowFallback(false).build());
                    list.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
                }
            }
            list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
            dropNext = blockDropout > 0;
        }
        DenseLayer.Builder hidden = new DenseLayer.Builder().nOut(dense).activation(Activation.RELU);
        if (dropNext) {
            hidden.dropOut(1 - blockDropout);
        }
        list.layer(hidden.build());
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(FashionClass.COUNT).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
        if (denseDropout > 0) {
            output.dropOut(1 - denseDropout);
        }
        list.layer(output.build());
        list.setInputType(InputType.convolutionalFlat(IdxFile.SIDE, IdxFile.SIDE, 1));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        Network network = Network.of(net);
        if (oneDnn) {
            OneDnnLayers.attach(network);
            MaskedGradientReLU.replaceReLUs(network);
        }
        return network;
    }
}
