package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** Learning rate over epochs. */
public enum LearningRateSchedule {
    /** The same rate every epoch. */
    CONSTANT,
    /** The rate times {@code lr_step_factor} every {@code lr_step_epochs} epochs. */
    STEP,
    /** Half a cosine from the rate down to 1% of it at the last epoch. */
    COSINE;

    /** The DL4J schedule, by epoch (0-based), or null for a constant rate. */
    public ISchedule schedule(TrainingSpec t) {
        if (this == CONSTANT) {
            return null;
        }
        Map<Integer, Double> rates = new HashMap<>();
        for (int e = 0; e < t.epochs(); e++) {
            rates.put(e, rate(t, e));
        }
        return new MapSchedule(ScheduleType.EPOCH, rates);
    }

    /** The rate in epoch {@code epoch} (0-based). */
    public double rate(TrainingSpec t, int epoch) {
        return switch (this) {
            case CONSTANT -> t.learningRate();
            case STEP -> t.learningRate() * Math.pow(t.lrStepFactor(), epoch / Math.max(1, t.lrStepEpochs()));
            case COSINE -> {
                double progress = t.epochs() <= 1 ? 0 : (double) epoch / (t.epochs() - 1);
                double floor = 0.01 * t.learningRate();
                yield floor + (t.learningRate() - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
            }
        };
    }

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
