package org.fmnist.models;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.OneDnnLayers;
import org.fmnist.core.spec.ParameterChecks;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@code type: resnet}: a pre-activation residual network (He et al., "Identity Mappings in Deep
 * Residual Networks", 2016), the first model here that is a {@code ComputationGraph} rather than a
 * stack of layers, because each block's input skips past its convolutions to be added to their output.
 *
 * <p>A 3×3 convolution (the stem) makes {@code width} channels; then come {@code stages} stages of
 * {@code blocks} blocks each. A block is BN → ReLU → 3×3 conv → BN → ReLU → 3×3 conv, plus a
 * shortcut, summed. The first block of each stage after the first halves the image side (stride 2)
 * and doubles the channels; its shortcut is then a strided 1×1 convolution, otherwise the block's
 * input itself. After the last stage: BN → ReLU → global average pooling → softmax.
 *
 * <p>With the defaults (width 16, 3 stages of 1 block; images 28, 14 and 7 pixels wide in the three
 * stages) it has 78,042 parameters by DL4J's count, batch-norm statistics included, and about 9.3
 * million multiply-adds per image. Convolutions carry no bias: each is followed, directly or after
 * the sum, by a batch norm whose shift would cancel it.
 */
public final class ResNet implements ModelFactory<ResNet.Parameters> {

    /** Halving 28 pixels four times leaves 2; a fifth halving would leave nothing to pool over. */
    static final int MAX_STAGES = 5;

    /** The keys a spec may give beside {@code model.type: resnet}. */
    public record Parameters(
            @JsonPropertyDescription("Channels of the stem and the first stage; each further stage doubles them.")
            Integer width,
            @JsonPropertyDescription("Stages of residual blocks, 1 to 5; each after the first halves the image side.")
            Integer stages,
            @JsonPropertyDescription("Residual blocks in each stage.")
            Integer blocks,
            @JsonPropertyDescription("Chance to drop each pooled feature before the softmax while training.")
            Double dropout,
            @JsonPropertyDescription("DL4J's oneDNN helpers on its convolution and batch-norm layers and ReLU gradients as masks (same results, faster), where DL4J's layers run; false is DL4J's own code there. Training and scoring go through fmnist's fused oneDNN graph step either way.")
            Boolean onednn) {
        public Parameters {
            width = width == null ? 16 : width;
            stages = stages == null ? 3 : stages;
            blocks = blocks == null ? 1 : blocks;
            dropout = dropout == null ? 0.0 : dropout;
            onednn = onednn == null ? Boolean.TRUE : onednn;
            ParameterChecks.of()
                    .require(width >= 1, "width", width, "must be at least 1")
                    .require(stages >= 1 && stages <= MAX_STAGES, "stages", stages, "must be from 1 to " + MAX_STAGES)
                    .require(blocks >= 1, "blocks", blocks, "must be at least 1")
                    .require(dropout >= 0 && dropout < 1, "dropout", dropout, "must be from 0 to below 1 (a chance to drop)")
                    .done();
        }
    }

    @Override
    public String description() {
        return "pre-activation ResNet: 3x3 stem, 3 stages of residual blocks (16/32/64 channels), global average pool,"
                + " softmax; 78,042 parameters";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Network create(Parameters p, ModelContext context) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(context.seed())
                .updater(context.updater())
                // Keeps each convolution's output from the forward pass for the backward pass (see ConvNets).
                .cacheMode(CacheMode.DEVICE)
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("pixels")
                .setInputTypes(InputType.convolutionalFlat(IdxFile.SIDE, IdxFile.SIDE, 1));
        graph.addLayer("stem", convolution(3, 1, p.width()), "pixels");
        String previous = "stem";
        int channels = p.width();
        for (int stage = 1; stage <= p.stages(); stage++) {
            int stageWidth = stage == 1 ? p.width() : 2 * channels;
            for (int block = 1; block <= p.blocks(); block++) {
                int stride = stage > 1 && block == 1 ? 2 : 1;
                previous = addBlock(graph, "stage" + stage + "-block" + block, previous, channels, stageWidth, stride);
                channels = stageWidth;
            }
        }
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(FashionClass.COUNT).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
        if (p.dropout() > 0) {
            output.dropOut(1 - p.dropout());
        }
        String head = addNormalisedRelu(graph, "head", previous);
        graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), head)
                .addLayer("output", output.build(), "pool")
                .setOutputs("output");
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        Network network = Network.of(net);
        if (p.onednn()) {
            OneDnnLayers.attach(network);
            MaskedGradientReLU.replaceReLUs(network);
        }
        return network;
    }

    /**
     * Adds the residual block {@code name}, which reads vertex {@code input} ({@code in} channels) and
     * makes {@code out} channels; returns the name of the vertex that holds its output.
     */
    private static String addBlock(GraphBuilder graph, String name, String input, int in, int out, int stride) {
        String first = addNormalisedRelu(graph, name + "-1", input);
        graph.addLayer(name + "-conv1", convolution(3, stride, out), first);
        String second = addNormalisedRelu(graph, name + "-2", name + "-conv1");
        graph.addLayer(name + "-conv2", convolution(3, 1, out), second);
        String shortcut = input;
        if (stride != 1 || in != out) {
            // The shapes differ, so the input cannot be added as it is. The projection reads the
            // normalised input, as the first convolution does (as common pre-activation code does).
            shortcut = name + "-projection";
            graph.addLayer(shortcut, convolution(1, stride, out), first);
        }
        graph.addVertex(name + "-sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "-conv2", shortcut);
        return name + "-sum";
    }

    /** A same-padded k×k convolution without bias or activation (a batch norm follows it). */
    private static ConvolutionLayer convolution(int kernel, int stride, int channels) {
        return new ConvolutionLayer.Builder(kernel, kernel)
                .stride(stride, stride)
                .nOut(channels)
                .convolutionMode(ConvolutionMode.Same)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                // A helper failure must surface, not quietly fall back to the slow path.
                .cudnnAllowFallback(false)
                .build();
    }

    /**
     * Adds batch normalisation ({@code NAME-norm}) reading {@code input}, then ReLU ({@code NAME-relu});
     * returns the ReLU's name. Two layers, because DL4J's batch norm ignores an activation given to it
     * ({@code Network.layersIgnoringTheirActivation}).
     */
    private static String addNormalisedRelu(GraphBuilder graph, String name, String input) {
        graph.addLayer(name + "-norm", new BatchNormalization.Builder().cudnnAllowFallback(false).build(), input)
                .addLayer(name + "-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "-norm");
        return name + "-relu";
    }

    /** Convolutions keep both cores busy, as for the CNNs. */
    @Override
    public int preferredThreads() {
        return 2;
    }
}
