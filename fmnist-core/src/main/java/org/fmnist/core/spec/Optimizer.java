package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.fmnist.core.train.JavaLoopAdam;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/** The optimizers a spec can name, with Keras's default hyper-parameters besides the learning rate. */
public enum Optimizer {
    ADAM, NADAM, AMSGRAD, SGD, NESTEROVS, RMSPROP;

    /** The updater DL4J trains with, following {@code t}'s learning rate and schedule. */
    public IUpdater updater(TrainingSpec t) {
        IUpdater updater = updater(t.learningRate());
        ISchedule schedule = t.lrSchedule().schedule(t);
        if (schedule != null) {
            updater.setLrAndSchedule(t.learningRate(), schedule);
        }
        return updater;
    }

    /** The updater DL4J trains with, at a constant rate. */
    public IUpdater updater(double learningRate) {
        return switch (this) {
            case ADAM -> new JavaLoopAdam(learningRate, 0.9, 0.999, 1e-7);
            case NADAM -> new Nadam(learningRate, 0.9, 0.999, 1e-7);
            case AMSGRAD -> new AMSGrad(learningRate, 0.9, 0.999, 1e-7);
            case SGD -> new Sgd(learningRate);
            case NESTEROVS -> new Nesterovs(learningRate, 0.9);
            case RMSPROP -> new RmsProp(learningRate, 0.9, 1e-7);
        };
    }

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
