package org.fmnist.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.LearningRateSchedule;
import org.fmnist.core.spec.Optimizer;
import org.fmnist.core.spec.TrainingSpec;

/**
 * Trains a network four epochs straight, and a twin two epochs, checkpointed, then resumed to four:
 * both must end alike, epoch for epoch. Shared by core's tests (DL4J's step) and fmnist-engine's (its
 * own steps), whose state (dropout's random draws, Adam's moments) must survive a restart too.
 */
public final class ResumeCheck {
    private ResumeCheck() {}

    /** @param model a fresh network for the run's training spec, the same on every call */
    public static void assertResumedEqualsUninterrupted(Path dir, FashionMnist data, Function<TrainingSpec, Network> model)
            throws IOException {
        // Dropout, Adam's moments, a step schedule and best-epoch tracking: all must survive the restart.
        TrainingSpec t = new TrainingSpec(4, 32, Optimizer.ADAM, 0.01, 1, 0.2, 0, LearningRateSchedule.STEP, 2, 0.5, 0, 0, 0);
        Split validation = data.train().select("validation", IntStream.range(0, 100).toArray());
        Split train = data.train().select("train", IntStream.range(100, 600).toArray());
        Network whole = model.apply(t);
        List<EpochMetrics> uninterrupted = new Trainer(List.of()).fit(whole, train, validation, t, 5);

        TrainingSpec firstTwo = new TrainingSpec(2, 32, Optimizer.ADAM, 0.01, 1, 0.2, 0, LearningRateSchedule.STEP, 2, 0.5, 0, 0, 0);
        new Trainer(List.of(new EpochCheckpoint(dir))).fit(model.apply(t), train, validation, firstTwo, 5);
        assertEquals(Optional.of(2), EpochCheckpoint.latestEpoch(dir));
        Network fresh = model.apply(t);
        TrainingState saved = EpochCheckpoint.restore(dir, fresh).orElseThrow();
        List<String> started = new ArrayList<>();
        TrainingListener plan = new TrainingListener() {
            @Override
            public void onTrainingStart(TrainingPlan p) {
                started.add(p.epochsDone() + "/" + p.epochs());
            }
        };
        List<EpochMetrics> resumed = new Trainer(List.of(plan)).fit(fresh, train, validation, t, 5, saved);

        assertEquals(List.of("2/4"), started);
        assertEquals(uninterrupted, withoutTimes(resumed, uninterrupted));
        assertEquals(whole.params(), fresh.params(), "the same weights were kept");
        assertTrue(uninterrupted.get(0).trainLoss() != uninterrupted.get(1).trainLoss());
    }

    /** {@code resumed} with {@code reference}'s timings, which no two runs share. */
    public static List<EpochMetrics> withoutTimes(List<EpochMetrics> resumed, List<EpochMetrics> reference) {
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < resumed.size(); i++) {
            EpochMetrics m = resumed.get(i);
            EpochMetrics r = reference.get(Math.min(i, reference.size() - 1));
            out.add(new EpochMetrics(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.evalSplit(), m.evalLoss(), m.evalAccuracy(),
                    r.seconds(), r.samplesPerSecond(), m.learningRate()));
        }
        return out;
    }
}
