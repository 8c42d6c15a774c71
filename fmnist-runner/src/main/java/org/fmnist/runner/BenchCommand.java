package org.fmnist.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelParameters;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.Trainer;
import org.fmnist.core.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runner bench SPEC [KEY=VALUE...]}: times the spec's model the way a run trains it (same
 * trainer, threads and JVM settings), on the full training set with nothing held out, and prints
 * one JSON line: seconds per epoch, test accuracy, inference images/s and peak RSS. No run folder,
 * no tracking. {@code bench/run} compares it with PyTorch and Keras.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times training and inference of a spec's model on the real data; prints one JSON line (used by bench/run).")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment spec, e.g. experiments/baseline.yaml")
    Path spec;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides, e.g. training.batch_size=128 training.epochs=4")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--profile-ops", description = "Count and time ND4J's native op calls during the last epoch's steps "
            + "(that epoch is then left out of the timing); adds op_profile to the JSON line.")
    boolean profileOps;

    private final Map<String, String> environment;
    private final NativeMemoryGuard memoryGuard;

    BenchCommand(Map<String, String> environment, NativeMemoryGuard memoryGuard) {
        this.environment = environment;
        this.memoryGuard = memoryGuard;
    }

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>(List.of("training.validation_split=0", "training.early_stopping_patience=0"));
        all.addAll(overrides);
        ResolvedSpec resolved = new SpecLoader().load(spec, all, environment);
        ExperimentSpec s = resolved.spec();
        if (profileOps && s.training().epochs() < 2) {
            throw new SpecException(new SpecProblem("command-line option --profile-ops", "training.epochs",
                    "is " + s.training().epochs() + "; the last epoch is profiled and left out of the timing",
                    "give training.epochs=2 or more"));
        }
        ModelFactory<?> factory = RunnerMain.registeredModels().get(s.model().type());
        Record parameters = ModelParameters.bind(factory, resolved, new SpecLoader().mapper());
        memoryGuard.chooseFor(List.of(factory));
        int threads = s.training().threads() > 0 ? s.training().threads() : factory.preferredThreads();
        ExperimentRun.useThreads(threads);
        FashionMnist data = DataLocator.standard(null, DataLocator.defaultCache(environment), Optional.empty(), environment).load();
        Split train = data.train().head(s.data().trainLimit() == 0 ? data.train().size() : s.data().trainLimit());
        MultiLayerNetwork net = create(factory, parameters, s);

        Optional<OpProfile> profile = profileOps ? Optional.of(new OpProfile(s.training().epochs())) : Optional.empty();
        List<TrainingListener> listeners = profile.<List<TrainingListener>>map(List::of).orElse(List.of());
        List<EpochMetrics> epochs = new Trainer(listeners).fit(net, train, data.test(), s.training(), s.seed());
        if (profile.isPresent()) {
            epochs = epochs.subList(0, epochs.size() - 1);
        }
        Predictions test = Predictor.predict(net, data.test());
        List<Double> inference = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            Predictor.predict(net, data.test());
            inference.add(data.test().size() / ((System.nanoTime() - start) / 1e9));
        }
        List<Double> seconds = epochs.stream().map(EpochMetrics::seconds).toList();
        double median = median(seconds.size() > 1 ? seconds.subList(1, seconds.size()) : seconds);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("framework", "fmnist");
        java.util.Properties versions = Provenance.versions();
        result.put("version", "DL4J " + versions.getProperty("dl4j.version") + " " + versions.getProperty("nd4j.classifier"));
        result.put("model", s.model().type());
        result.put("batch", s.training().batchSize());
        result.put("threads", threads);
        result.put("native_memory_limit_bytes", NativeMemoryGuard.limitBytes());
        result.put("train_images", train.size());
        result.put("parameters", net.numParams());
        result.put("epoch_seconds", seconds);
        result.put("median_epoch_seconds", median);
        result.put("samples_per_second", train.size() / median);
        result.put("test_accuracy", test.accuracy());
        result.put("inference_images_per_second", median(inference));
        result.put("peak_rss_mb", peakRssMb());
        profile.ifPresent(p -> result.put("op_profile", p.summary()));
        System.out.println(new ObjectMapper().writeValueAsString(result));
        return RunnerMain.OK;
    }

    private static <P extends Record> MultiLayerNetwork create(ModelFactory<P> factory, Record parameters, ExperimentSpec s) {
        return factory.create(factory.parametersType().cast(parameters),
                new ModelContext(s.seed(), s.training().optimizer().updater(s.training())));
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
