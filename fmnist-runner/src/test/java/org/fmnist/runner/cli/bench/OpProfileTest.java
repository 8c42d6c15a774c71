package org.fmnist.runner.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.LearningRateSchedule;
import org.fmnist.core.spec.Optimizer;
import org.fmnist.core.spec.TrainingSpec;
import org.fmnist.core.train.OpProfile;
import org.fmnist.core.train.Trainer;
import org.fmnist.models.CompactCnn;
import org.fmnist.models.ResNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.profiler.OpProfiler;

class OpProfileTest {

    private static Split randomImages(String name, int n) {
        Random random = new Random(7);
        float[] pixels = new float[n * IdxFile.PIXELS];
        int[] labels = new int[n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(10);
        }
        return new Split(name, pixels, labels);
    }

    private static Network denseNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(IdxFile.PIXELS)).build());
        net.init();
        return Network.of(net);
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsTheOpsOfEachStepOfTheChosenEpochOnly() {
        OpProfile profile = new OpProfile(2);
        TrainingSpec twoEpochs = new TrainingSpec(2, 32, Optimizer.ADAM, 1e-3, 1, 0, 0, LearningRateSchedule.CONSTANT, 5, 0.5, 0, 0, 0);
        // 320 images at batch 32: 10 steps an epoch; the first step of epoch 2 switches the profiler on.
        new Trainer(List.of(profile)).fit(denseNet(), randomImages("train", 320), randomImages("test", 64), twoEpochs, 1);

        Map<String, Object> summary = profile.summary();
        assertEquals(9, summary.get("steps"));
        List<Map<String, Object>> ops = (List<Map<String, Object>>) summary.get("ops");
        Map<String, Double> callsPerStep = new java.util.HashMap<>();
        ops.forEach(op -> callsPerStep.put((String) op.get("op"), (Double) op.get("calls_per_step")));
        // One Adam update for all parameters, and forward plus backward matrix products of both layers, every step.
        assertEquals(1.0, callsPerStep.get("adam_updater"));
        assertTrue(callsPerStep.get("matmul") >= 4, callsPerStep.toString());
        double timed = (Double) summary.get("timed_op_calls_per_step");
        assertEquals(timed, callsPerStep.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        assertTrue((Double) summary.get("op_calls_per_step") >= timed);
        assertTrue((Double) summary.get("op_microseconds_per_step") > 0);
        long counted = OpProfiler.getInstance().getInvocationsCount();
        Nd4j.ones(4, 4).muli(2);
        assertEquals(counted, OpProfiler.getInstance().getInvocationsCount(), "the profiler is switched off again");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theResNetTrainsOnOneDnnDirectlyWithNoNd4jConvolutionOrBatchNorm() {
        ResNet.Parameters small = new ResNet.Parameters(4, 2, 1, 0.5, true);
        TrainingSpec twoEpochs = new TrainingSpec(2, 32, Optimizer.ADAM, 1e-3, 1, 0, 0, LearningRateSchedule.CONSTANT, 5, 0.5, 0, 0, 0);
        OpProfile profile = new OpProfile(2);
        new Trainer(List.of(profile)).fit(new ResNet().create(small, new ModelContext(1, Optimizer.ADAM.updater(1e-3))),
                randomImages("train", 96), randomImages("test", 32), twoEpochs, 1);

        List<String> ops = ((List<Map<String, Object>>) profile.summary().get("ops")).stream()
                .map(op -> (String) op.get("op")).toList();
        // FusedGraphTraining: convolutions, batch norms, ReLUs, sums and pooling run in oneDNN, out of
        // ND4J's sight; the dropout before the output layer is still DL4J's own.
        assertTrue(ops.stream().noneMatch(op -> op.startsWith("conv2d") || op.startsWith("batchnorm") || op.startsWith("relu")),
                ops.toString());
        assertTrue(ops.contains("dropout_inverted"), ops.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCompactCnnTrainsOnOneDnnDirectlyWithNoNd4jConvolution() {
        CompactCnn.Parameters small = new CompactCnn.Parameters(4, 8, 3, 16, 0.5, true);
        TrainingSpec twoEpochs = new TrainingSpec(2, 32, Optimizer.ADAM, 1e-3, 1, 0, 0, LearningRateSchedule.CONSTANT, 5, 0.5, 0, 0, 0);
        OpProfile profile = new OpProfile(2);
        new Trainer(List.of(profile)).fit(new CompactCnn().create(small, new ModelContext(1, Optimizer.ADAM.updater(1e-3))),
                randomImages("train", 96), randomImages("test", 32), twoEpochs, 1);

        List<String> ops = ((List<Map<String, Object>>) profile.summary().get("ops")).stream()
                .map(op -> (String) op.get("op")).toList();
        // FusedCnnTraining: the convolutions, pooling and ReLUs run in oneDNN, out of ND4J's sight; the
        // dropout before the output layer is still DL4J's own.
        assertTrue(ops.stream().noneMatch(op -> op.startsWith("conv2d") || op.startsWith("maxpool") || op.startsWith("relu")), ops.toString());
        assertTrue(ops.contains("dropout_inverted"), ops.toString());
    }

    @Test
    void anEpochOfOneBatchHasNoStepToProfileAndLeavesTheProfilerOff() {
        OpProfile profile = new OpProfile(1);
        TrainingSpec oneEpoch = new TrainingSpec(1, 32, Optimizer.ADAM, 1e-3, 1, 0, 0, LearningRateSchedule.CONSTANT, 5, 0.5, 0, 0, 0);
        new Trainer(List.of(profile)).fit(denseNet(), randomImages("train", 32), randomImages("test", 32), oneEpoch, 1);

        assertThrows(IllegalStateException.class, profile::summary);
        long counted = OpProfiler.getInstance().getInvocationsCount();
        Nd4j.ones(4, 4).muli(2);
        assertEquals(counted, OpProfiler.getInstance().getInvocationsCount(), "the profiler stays off");
    }

    @Test
    void saysSoWhenItsEpochWasNeverTrained() {
        OpProfile profile = new OpProfile(3);
        TrainingSpec oneEpoch = new TrainingSpec(1, 32, Optimizer.ADAM, 1e-3, 1, 0, 0, LearningRateSchedule.CONSTANT, 5, 0.5, 0, 0, 0);
        new Trainer(List.of(profile)).fit(denseNet(), randomImages("train", 64), randomImages("test", 32), oneEpoch, 1);
        assertThrows(IllegalStateException.class, profile::summary);
    }
}
