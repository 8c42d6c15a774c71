package org.fmnist.engine;

import static org.fmnist.engine.TrainingPrimitives.address;
import static org.fmnist.engine.TrainingPrimitives.plainlyTrained;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch norm over the channels of a convolution's output: views of its scale (DL4J's gamma, with
 * its shift, beta, right after it in memory), running mean and running spread, which is a variance
 * or, with {@code logStd}, a log10 standard deviation as DL4J keeps it by default, and the gradient
 * views of all four. Both fused training steps ({@link FusedCnnTraining}, {@link FusedGraphTraining})
 * run their batch norms over these views ({@link TrainingPrimitives#normalized}).
 */
record Normalization(INDArray scale, INDArray mean, INDArray spread, INDArray scaleGradient, INDArray shiftGradient,
                     INDArray meanGradient, INDArray spreadGradient, boolean logStd, float eps, double decay) {

    /**
     * DL4J's moving averages as gradients: its updater for the running statistics is a no-op, so
     * the parameter minus this gradient is {@code decay * running + (1 - decay) * batch}, for the
     * variance through its log10 standard deviation where that is what is kept.
     */
    void movingAverageSteps(INDArray batchMean, INDArray batchVariance) {
        FloatBuffer mean = OwnTrainingStep.floats(mean());
        FloatBuffer spread = OwnTrainingStep.floats(spread());
        FloatBuffer meanStep = OwnTrainingStep.floats(meanGradient());
        FloatBuffer spreadStep = OwnTrainingStep.floats(spreadGradient());
        FloatBuffer ofBatch = OwnTrainingStep.floats(batchMean);
        FloatBuffer varianceOfBatch = OwnTrainingStep.floats(batchVariance);
        for (int k = 0; k < mean.capacity(); k++) {
            meanStep.put(k, (float) ((mean.get(k) - ofBatch.get(k)) * (1 - decay)));
            if (logStd) {
                double variance = Math.pow(10, 2.0 * spread.get(k));
                double next = decay * variance + (1 - decay) * varianceOfBatch.get(k);
                spreadStep.put(k, (float) (Math.log10(variance / next) / 2));
            } else {
                spreadStep.put(k, (float) ((spread.get(k) - varianceOfBatch.get(k)) * (1 - decay)));
            }
        }
    }

    /** The views of a batch norm over {@code channels} NCHW channels, or empty when it is not one the fused steps take. */
    static Optional<Normalization> of(BatchNormalization layer, int channels) {
        var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer();
        if (conf.getCnn2DFormat() != CNN2DFormat.NCHW || conf.isLockGammaBeta() || !conf.isMinibatch()
                || conf.getNOut() != channels || conf.getIDropout() != null || !plainlyTrained(layer)) {
            return Optional.empty();
        }
        Map<String, INDArray> grads = BatchNormalizationParamInitializer.getInstance()
                .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
        if (!sideBySide(layer.getParam(BatchNormalizationParamInitializer.GAMMA), layer.getParam(BatchNormalizationParamInitializer.BETA))
                || !sideBySide(grads.get(BatchNormalizationParamInitializer.GAMMA), grads.get(BatchNormalizationParamInitializer.BETA))) {
            return Optional.empty();
        }
        String spread = conf.isUseLogStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR;
        return Optional.of(new Normalization(layer.getParam(BatchNormalizationParamInitializer.GAMMA),
                layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN), layer.getParam(spread),
                grads.get(BatchNormalizationParamInitializer.GAMMA), grads.get(BatchNormalizationParamInitializer.BETA),
                grads.get(BatchNormalizationParamInitializer.GLOBAL_MEAN), grads.get(spread),
                conf.isUseLogStd(), (float) conf.getEps(), conf.getDecay()));
    }

    /** Whether {@code second}'s floats follow {@code first}'s in memory, so that one (2, n) array holds both. */
    private static boolean sideBySide(INDArray first, INDArray second) {
        return first.elementWiseStride() == 1 && second.elementWiseStride() == 1 && first.length() == second.length()
                && address(second).address() == address(first).address() + first.length() * Float.BYTES;
    }

    /** Registers the four gradient views in {@code gradient} under DL4J's keys for layer {@code layer}. */
    void register(DefaultGradient gradient, String layer) {
        gradient.setGradientFor(layer + "_" + BatchNormalizationParamInitializer.GAMMA, scaleGradient());
        gradient.setGradientFor(layer + "_" + BatchNormalizationParamInitializer.BETA, shiftGradient());
        gradient.setGradientFor(layer + "_" + BatchNormalizationParamInitializer.GLOBAL_MEAN, meanGradient());
        gradient.setGradientFor(layer + "_" + (logStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR), spreadGradient());
    }
}
