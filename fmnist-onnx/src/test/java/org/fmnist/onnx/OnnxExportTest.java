package org.fmnist.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.models.CompactCnn;
import org.fmnist.models.DeepCnn;
import org.fmnist.models.DenseModel;
import org.fmnist.models.ResNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every model family exported and scored by ONNX Runtime, an implementation independent of DL4J's,
 * on the 10,000 real test images: every class the same, and each probability of the first 500 within the
 * rounding both float computations may carry ({@link NetworkRounding#outputBound}, twice: one bound for
 * each side; all 10,000 in {@code OnnxExportAllTestImagesIT}),
 * after some training steps on real images, so that batch norms' running statistics and every weight
 * are away from their initial values.
 */
class OnnxExportTest {
    private static final int TRAINING_STEPS = 20;
    private static final int SLICE = 500;
    private static final FashionMnist DATA = DataLocator.standard(null, DataLocator.defaultCache(System.getenv()),
            Optional.empty(), System.getenv()).load();
    private static final ModelContext CONTEXT = new ModelContext(7, new Adam(1e-2));

    @TempDir
    Path dir;

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("dense", new DenseModel().create(new DenseModel.Parameters(16, Activation.RELU), CONTEXT)),
                Arguments.of("cnn", new CompactCnn().create(new CompactCnn.Parameters(4, 8, 3, 16, 0.5, false), CONTEXT)),
                Arguments.of("cnn-deep", new DeepCnn().create(new DeepCnn.Parameters(4, 16, 0.25, 0.5, false), CONTEXT)),
                Arguments.of("cnn-deep, oneDNN helpers", new DeepCnn().create(new DeepCnn.Parameters(4, 16, 0.25, 0.5, true), CONTEXT)),
                Arguments.of("resnet", new ResNet().create(new ResNet.Parameters(4, 3, 2, 0.0, true), CONTEXT)),
                Arguments.of("tanh, sigmoid, variance, average pooling, Same padding", Network.of(mixed())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void onnxRuntimeScoresTheExportAsFmnistDoes(String family, Network network) throws Exception {
        assertOnnxRuntimeAgrees(family, network, SLICE);
    }

    /**
     * Trains {@code network} a few steps on real images, exports it, and scores the 10,000 test images in
     * fmnist and in ONNX Runtime: every class the same, and the probabilities of the first {@code bounded}
     * within the bound. In slices, as fmnist's own evaluation goes: a convolution's buffers for 10,000
     * images at once would not fit, and the bound is summed term by term on the heap (about 10 ms an image
     * for the convolutional families), so the fast tier bounds the first slice and the slow tier
     * ({@code OnnxExportAllTestImagesIT}) all of them.
     */
    static void assertOnnxRuntimeAgrees(String family, Network network, int bounded) throws Exception {
        Split train = DATA.train();
        for (int step = 0; step < TRAINING_STEPS; step++) {
            Split batch = train.select("batch", IntStream.range(step * 32, (step + 1) * 32).toArray());
            network.fit(Nd4j.createFromArray(batch.pixels()).reshape(32, IdxFile.PIXELS), oneHot(batch.labels()));
        }
        ModelProto exported = OnnxExport.of(network, family);
        Split test = DATA.test();

        for (int from = 0; from < test.size(); from += SLICE) {
            Split slice = test.select("slice", IntStream.range(from, Math.min(test.size(), from + SLICE)).toArray());
            INDArray features = Nd4j.createFromArray(slice.pixels()).reshape(slice.size(), IdxFile.PIXELS);
            INDArray ours = network.output(features);
            INDArray theirs = onnxRuntime(exported, features);

            assertEquals(ours.argMax(1), theirs.argMax(1), family + ": the predicted classes, test images from " + from);
            if (from < bounded) {
                FloatRounding.assertWithin(ours, theirs, NetworkRounding.outputBound(network.model(), features).mul(2),
                        family + ": ONNX Runtime's probabilities against fmnist's, test images from " + from);
            }
        }
    }

    @Test
    void theModelDeclaresItsInputOutputOpsetAndClassesAndIsWrittenToAFile() throws Exception {
        Network network = new DenseModel().create(new DenseModel.Parameters(8, Activation.RELU), CONTEXT);
        Path file = dir.resolve("model.onnx");

        OnnxExport.write(network, "dense", file);

        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(OnnxExport.OPSET, model.getOpsetImport(0).getVersion());
        assertEquals(OnnxExport.INPUT, model.getGraph().getInput(0).getName());
        assertEquals(OnnxExport.OUTPUT, model.getGraph().getOutput(0).getName());
        assertEquals("T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot",
                model.getMetadataProps(0).getValue());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertArrayEquals(new long[] {-1, 1, IdxFile.SIDE, IdxFile.SIDE},
                    ((TensorInfo) session.getInputInfo().get(OnnxExport.INPUT).getInfo()).getShape());
            assertArrayEquals(new long[] {-1, FashionClass.COUNT},
                    ((TensorInfo) session.getOutputInfo().get(OnnxExport.OUTPUT).getInfo()).getShape());
        }
    }

    @Test
    void aLayerWithoutATranslationIsNamedWithItsModel() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new LocalResponseNormalization.Builder().name("lrn").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(FashionClass.COUNT)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(IdxFile.SIDE, IdxFile.SIDE, 1)).build());
        net.init();

        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> OnnxExport.of(Network.of(net), "plugin-x"));

        assertTrue(e.getMessage().contains("model plugin-x: layer 'lrn' (LocalResponseNormalization)"), e.getMessage());
    }

    /** Layers and settings the built-in models do not use, each with its own translation. */
    private static MultiLayerNetwork mixed() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-2)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).convolutionMode(ConvolutionMode.Same).nOut(6)
                        .activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().useLogStd(false).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(FashionClass.COUNT)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(IdxFile.SIDE, IdxFile.SIDE, 1)).build());
        net.init();
        return net;
    }

    /** ONNX Runtime's probabilities for flat {@code [n, 784]} features, given as the model's {@code [n, 1, 28, 28]} images. */
    private static INDArray onnxRuntime(ModelProto model, INDArray features) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long n = features.size(0);
        try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(features.dup('c').data().asFloat()),
                     new long[] {n, 1, IdxFile.SIDE, IdxFile.SIDE});
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            return Nd4j.createFromArray((float[][]) result.get(0).getValue());
        }
    }

    private static INDArray oneHot(int[] classes) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, classes.length, FashionClass.COUNT);
        for (int i = 0; i < classes.length; i++) {
            labels.putScalar(i, classes[i], 1f);
        }
        return labels;
    }
}
