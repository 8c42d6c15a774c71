package org.fmnist.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Checks of values that bind fine but cannot be run: ranges, required keys, names. */
public final class SpecValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private SpecValidator() {}

    public static List<SpecProblem> check(ExperimentSpec spec, Function<String, String> sourceOf) {
        List<SpecProblem> problems = new ArrayList<>();
        Checker c = new Checker(problems, sourceOf);
        if (spec.name() == null || spec.name().isBlank()) {
            c.fail("name", "is required", "add e.g. 'name: baseline' at the top of the spec");
        } else if (!NAME.matcher(spec.name()).matches()) {
            c.fail("name", "'" + spec.name() + "' cannot name a folder", "use letters, digits, '.', '_' and '-' only");
        }
        if (spec.model() == null || spec.model().type() == null || spec.model().type().isBlank()) {
            c.fail("model.type", "is required", "add a model section, e.g. 'model: {type: dense}' ('runner models' lists the types)");
        }
        TrainingSpec t = spec.training();
        c.require(t.epochs() >= 1, "training.epochs", "is " + t.epochs() + "; it must be at least 1", "e.g. training.epochs: 10");
        c.require(t.batchSize() >= 1 && t.batchSize() <= 60_000, "training.batch_size",
                "is " + t.batchSize() + "; it must be between 1 and 60000", "e.g. training.batch_size: 32");
        c.require(t.optimizer() != null, "training.optimizer", "is required", "e.g. training.optimizer: adam");
        c.require(t.learningRate() > 0 && t.learningRate() <= 10, "training.learning_rate",
                "is " + t.learningRate() + "; it must be above 0 and at most 10", "e.g. training.learning_rate: 0.001");
        c.require(t.threads() >= 0 && t.threads() <= 256, "training.threads",
                "is " + t.threads() + "; it must be 0 (automatic) or a thread count", "e.g. training.threads: 0");
        c.require(t.validationSplit() >= 0 && t.validationSplit() < 1, "training.validation_split",
                "is " + t.validationSplit() + "; it must be at least 0 and below 1", "e.g. training.validation_split: 0.1");
        c.require(t.earlyStoppingPatience() >= 0, "training.early_stopping_patience", "must not be negative",
                "0 turns early stopping off");
        c.require(t.earlyStoppingPatience() == 0 || t.validationSplit() > 0, "training.early_stopping_patience",
                "needs a validation split: early stopping never looks at the test set", "set training.validation_split: 0.1");
        c.require(t.lrSchedule() != null, "training.lr_schedule", "is required", "e.g. training.lr_schedule: constant");
        c.require(t.lrStepEpochs() >= 1, "training.lr_step_epochs", "must be at least 1", "e.g. training.lr_step_epochs: 5");
        c.require(t.lrStepFactor() > 0 && t.lrStepFactor() <= 1, "training.lr_step_factor",
                "must be above 0 and at most 1", "e.g. training.lr_step_factor: 0.5");
        c.require(t.warmupEpochs() >= 0 && (t.warmupEpochs() < t.epochs() || t.epochs() < 1), "training.warmup_epochs",
                "is " + t.warmupEpochs() + "; it must be at least 0 and below training.epochs", "e.g. training.warmup_epochs: 2");
        c.require(t.labelSmoothing() >= 0 && t.labelSmoothing() < 1, "training.label_smoothing",
                "is " + t.labelSmoothing() + "; it must be at least 0 and below 1", "e.g. training.label_smoothing: 0.1");
        c.require(t.weightDecay() >= 0 && t.weightDecay() < 1, "training.weight_decay",
                "is " + t.weightDecay() + "; it must be at least 0 and below 1", "e.g. training.weight_decay: 0.0005");
        DataSpec d = spec.data();
        c.require(d.trainLimit() >= 0, "data.train_limit", "must not be negative", "0 uses all 60,000 training images");
        c.require(d.testLimit() >= 0, "data.test_limit", "must not be negative", "0 uses all 10,000 test images");
        c.require(!d.download() || (d.mirror() != null && !d.mirror().isBlank()), "data.mirror",
                "is empty while data.download is true", "give the base URL of a mirror, or set data.download: false");
        TrackingSpec tr = spec.tracking();
        c.require(!tr.type().isEmpty() && tr.type().stream().noneMatch(String::isBlank), "tracking.type", "is required",
                "e.g. tracking.type: mlflow, or a list such as [mlflow, none]");
        OutputSpec o = spec.output();
        c.require(o.dir() != null && !o.dir().isBlank(), "output.dir", "is required", "e.g. output.dir: runs");
        c.require(o.samples() >= 0 && o.samples() <= 200, "output.samples",
                "is " + o.samples() + "; it must be between 0 and 200", "e.g. output.samples: 32");
        for (int i = 0; i < spec.augment().size(); i++) {
            PluginSpec a = spec.augment().get(i);
            c.require(a != null && a.type() != null && !a.type().isBlank(), "augment[" + i + "].type", "is required",
                    "write each entry as {type: NAME, ...}; 'runner augmentations' lists the names");
        }
        c.require(spec.captioning().samples() >= 0 && spec.captioning().samples() <= 10_000, "captioning.samples",
                "is " + spec.captioning().samples() + "; it must be between 0 and 10000", "e.g. captioning.samples: 500");
        SweepSpec sw = spec.sweep();
        c.require(sw.metric() != null && !sw.metric().isBlank(), "sweep.metric", "is required", "e.g. sweep.metric: test_accuracy");
        c.require(sw.executor() != null && !sw.executor().isBlank(), "sweep.executor", "is required", "e.g. sweep.executor: local");
        c.require(sw.parallel() >= 1 && sw.parallel() <= 64, "sweep.parallel", "is " + sw.parallel()
                + "; it must be between 1 and 64", "e.g. sweep.parallel: 1 (one point at a time)");
        return problems;
    }

    private record Checker(List<SpecProblem> problems, Function<String, String> sourceOf) {
        void require(boolean ok, String key, String problem, String fix) {
            if (!ok) {
                fail(key, problem, fix);
            }
        }

        void fail(String key, String problem, String fix) {
            problems.add(new SpecProblem(sourceOf.apply(key), key, problem, fix));
        }
    }
}
