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

    /** The DL4J schedule, by epoch (0-based), or null for a constant rate without warm-up. */
    public ISchedule schedule(TrainingSpec t) {
        if (this == CONSTANT && t.warmupEpochs() == 0) {
            return null;
        }
        Map<Integer, Double> rates = new HashMap<>();
        for (int e = 0; e < t.epochs(); e++) {
            rates.put(e, rate(t, e));
        }
        return new MapSchedule(ScheduleType.EPOCH, rates);
    }

    /**
     * The rate in epoch {@code epoch} (0-based). The first {@code warmup_epochs} epochs climb in equal
     * steps towards the rate (1/(w+1), 2/(w+1), ... of it), because large early steps can throw a freshly
     * initialised network, batch norm especially, into a poor region; the schedule then runs over the
     * epochs that remain, as if they were all there were.
     */
    public double rate(TrainingSpec t, int epoch) {
        int warmup = t.warmupEpochs();
        if (epoch < warmup) {
            return t.learningRate() * (epoch + 1) / (warmup + 1);
        }
        int scheduled = epoch - warmup;
        int epochs = t.epochs() - warmup;
        return switch (this) {
            case CONSTANT -> t.learningRate();
            case STEP -> t.learningRate() * Math.pow(t.lrStepFactor(), scheduled / Math.max(1, t.lrStepEpochs()));
            case COSINE -> {
                double progress = epochs <= 1 ? 0 : (double) scheduled / (epochs - 1);
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
