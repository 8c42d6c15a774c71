package org.fmnist.runner.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.NativeSplit;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.OpProfile;
import org.fmnist.core.train.Trainer;
import org.fmnist.core.train.TrainingListener;
import org.fmnist.runner.NativeMemoryGuard;
import org.fmnist.runner.cli.SpecArguments;
import org.fmnist.runner.experiment.PreparedRun;
import org.fmnist.runner.experiment.RunPreparation;
import org.fmnist.runner.folder.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runner bench SPEC [KEY=VALUE...]}: times the spec's model the way a run trains it (same
 * trainer, threads and JVM settings), on the full training set with nothing held out, and prints
 * one JSON line: seconds per epoch, test accuracy, inference images/s and peak RSS. No run folder,
 * no tracking. {@code bench/run} compares it with PyTorch and Keras.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Times training and inference of a spec's model on the real data.",
        description = {"Prints one JSON line, which bench/run reads to compare fmnist with PyTorch and Keras.", "",
                "Example: ./runner bench experiments/baseline.yaml training.epochs=2"})
public final class BenchCommand implements Callable<Integer> {
    /** One line, so bench/run can read it with a single json.loads. */
    private static final ObjectMapper JSON = JsonMapperFactory.create().disable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    SpecArguments arguments;

    @Option(names = "--profile-ops", description = "Count and time ND4J's native op calls during the last epoch's steps "
            + "(that epoch is then left out of the timing); adds op_profile to the JSON line.")
    boolean profileOps;

    private final Invocation invocation;
    private final RunPreparation preparation;
    private final SpecLoader loader = new SpecLoader();

    @Inject
    BenchCommand(Invocation invocation, RunPreparation preparation) {
        this.invocation = invocation;
        this.preparation = preparation;
    }

    @Override
    public Integer call() throws Exception {
        if (arguments.spec() == null) {
            throw new SpecException(new SpecProblem("command line", "", "runner bench needs a spec",
                    "give one, e.g. ./runner bench experiments/baseline.yaml training.epochs=4"));
        }
        // Timed the way a run trains, on every training image: nothing is held out, nothing stops early.
        List<String> all = new ArrayList<>(List.of("training.validation_split=0", "training.early_stopping_patience=0"));
        all.addAll(arguments.overrides());
        ResolvedSpec resolved = loader.load(arguments.spec(), all, invocation.environment());
        ExperimentSpec s = resolved.spec();
        if (profileOps && s.training().epochs() < 2) {
            throw new SpecException(new SpecProblem("command-line option --profile-ops", "training.epochs",
                    "is " + s.training().epochs() + "; the last epoch is profiled and left out of the timing",
                    "give training.epochs=2 or more"));
        }
        PreparedRun run = preparation.prepare(resolved);
        Split train = run.train();
        Split test = run.test();
        Network net = run.newNetwork();

        Optional<OpProfile> profile = profileOps ? Optional.of(new OpProfile(s.training().epochs())) : Optional.empty();
        List<TrainingListener> listeners = profile.<List<TrainingListener>>map(List::of).orElse(List.of());
        List<EpochMetrics> epochs = new Trainer(listeners, run.augmentation()).fit(net, train, test, s.training(), s.seed());
        if (profile.isPresent()) {
            epochs = epochs.subList(0, epochs.size() - 1);
        }
        Predictions predicted;
        List<Double> inference = new ArrayList<>();
        // The test images in native memory once, as the peers score a tensor made once.
        try (NativeSplit testRows = NativeSplit.of(test)) {
            predicted = Predictor.predict(net, testRows);
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                Predictor.predict(net, testRows);
                inference.add(test.size() / ((System.nanoTime() - start) / 1e9));
            }
        }
        List<Double> seconds = epochs.stream().map(EpochMetrics::seconds).toList();
        double median = median(seconds.size() > 1 ? seconds.subList(1, seconds.size()) : seconds);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("framework", "fmnist");
        java.util.Properties versions = Provenance.versions();
        result.put("version", "DL4J " + versions.getProperty("dl4j.version") + " " + versions.getProperty("nd4j.classifier"));
        result.put("model", s.model().type());
        result.put("batch", s.training().batchSize());
        result.put("threads", run.threads());
        result.put("native_memory_limit_bytes", NativeMemoryGuard.limitBytes());
        result.put("train_images", train.size());
        result.put("test_images", test.size());
        result.put("parameters", net.numParams());
        result.put("training_step", net.trainingStep());
        result.put("epoch_seconds", seconds);
        result.put("median_epoch_seconds", median);
        result.put("samples_per_second", train.size() / median);
        result.put("test_accuracy", predicted.accuracy());
        result.put("inference_images_per_second", median(inference));
        result.put("peak_rss_mb", peakRssMb());
        profile.ifPresent(p -> result.put("op_profile", p.summary()));
        invocation.out().println(JSON.writeValueAsString(result));
        return ExitCode.OK;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The most resident memory this process has used (Linux's VmHWM), in MB. */
    private static double peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
