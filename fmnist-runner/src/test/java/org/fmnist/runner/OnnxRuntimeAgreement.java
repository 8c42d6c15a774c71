package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.runner.folder.RunOutputs;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A run folder's {@code model.onnx} in ONNX Runtime, an implementation independent of DL4J's, against
 * its {@code model.zip} in fmnist: every class the same, every probability within the rounding both
 * float computations may carry ({@link NetworkRounding#outputBound}, twice: one bound for each side).
 */
final class OnnxRuntimeAgreement {
    private static final int SLICE = 500;

    private OnnxRuntimeAgreement() {}

    /**
     * Every class of {@code images} the same, and the probabilities of the first {@code bounded} within
     * the bound. In slices, as fmnist's own evaluation goes: a wide convolution's buffers for thousands of
     * images at once would not fit, and the bound is summed term by term on the heap.
     *
     * @return fmnist's probabilities for {@code images}, for further checks
     */
    static INDArray assertAgrees(Path run, Split images, int bounded) throws IOException, OrtException {
        Network restored = Network.restore(run.resolve("model.zip"), false);
        List<INDArray> ours = new ArrayList<>();
        for (int from = 0; from < images.size(); from += SLICE) {
            Split slice = images.select("slice", IntStream.range(from, Math.min(images.size(), from + SLICE)).toArray());
            INDArray features = Nd4j.createFromArray(slice.pixels()).reshape(slice.size(), IdxFile.PIXELS);
            INDArray fmnist = restored.output(features);
            INDArray theirs = onnxRuntime(run, OnnxTensor.createTensor(OrtEnvironment.getEnvironment(),
                    FloatBuffer.wrap(slice.pixels()), new long[] {slice.size(), 1, IdxFile.SIDE, IdxFile.SIDE}));

            assertEquals(fmnist.argMax(1), theirs.argMax(1), "the predicted classes, images from " + from);
            int rows = Math.min(slice.size(), bounded - from);
            if (rows > 0) {
                INDArrayIndex first = NDArrayIndex.interval(0, rows);
                FloatRounding.assertWithin(fmnist.get(first, NDArrayIndex.all()), theirs.get(first, NDArrayIndex.all()),
                        NetworkRounding.outputBound(restored.model(), features.get(first, NDArrayIndex.all())).mul(2),
                        "ONNX Runtime's probabilities against fmnist's, images from " + from);
            }
            ours.add(fmnist);
        }
        return Nd4j.concat(0, ours.toArray(INDArray[]::new));
    }

    /** ONNX Runtime's probabilities for {@code input} (closed here) through the run's {@value RunOutputs#MODEL_ONNX}. */
    static INDArray onnxRuntime(Path run, OnnxTensor input) throws OrtException {
        try (OnnxTensor image = input;
             OrtSession session = OrtEnvironment.getEnvironment().createSession(run.resolve(RunOutputs.MODEL_ONNX).toString(),
                     new OrtSession.SessionOptions());
             OrtSession.Result result = session.run(Map.of("image", image))) {
            return Nd4j.createFromArray((float[][]) result.get("probabilities").orElseThrow().getValue());
        }
    }
}
