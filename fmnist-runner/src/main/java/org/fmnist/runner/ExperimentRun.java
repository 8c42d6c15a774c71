package org.fmnist.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.fmnist.captioning.CaptionConsistency;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.captioning.SentenceEmbedder;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelParameters;
import org.fmnist.core.plot.AugmentationGrid;
import org.fmnist.core.plot.ConfusionMatrixChart;
import org.fmnist.core.plot.SampleGrid;
import org.fmnist.core.plot.TrainingCurves;
import org.fmnist.core.spec.PluginSpec;
import org.fmnist.core.spec.DataSpec;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.spec.TrainingSpec;
import org.fmnist.core.train.EpochCheckpoint;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.Trainer;
import org.fmnist.core.train.TrainingListener;
import org.fmnist.core.train.TrainingState;
import org.fmnist.runner.tracking.MlflowTracker;
import org.fmnist.runner.tracking.RunStatus;
import org.fmnist.runner.tracking.RunTracker;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** One experiment from resolved spec to run folder: data, model, training, evaluation, outputs. */
final class ExperimentRun {
    /** The run folder's subfolder of epoch checkpoints, removed once the run is complete. */
    static final String CHECKPOINTS = "checkpoint";
    private static final String TRACKED_RUN_FILE = "tracked-run-id";
    private final ExperimentModule.RunContext context;
    private final Map<String, ModelFactory<?>> models;
    private final Map<String, Provider<RunTracker>> trackers;
    private final Map<String, Provider<CaptionGenerator>> captioners;
    private final Map<String, AugmentationFactory<?>> augmentations;
    private final Provider<SentenceEmbedder> embedder;
    private final SpecMapper mapper = new SpecMapper();
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Inject
    ExperimentRun(ExperimentModule.RunContext context, Map<String, ModelFactory<?>> models,
                  Map<String, Provider<RunTracker>> trackers, Map<String, Provider<CaptionGenerator>> captioners,
                  Provider<SentenceEmbedder> embedder, Map<String, AugmentationFactory<?>> augmentations) {
        this.context = context;
        this.models = models;
        this.trackers = trackers;
        this.captioners = captioners;
        this.embedder = embedder;
        this.augmentations = augmentations;
    }

    /** Everything chosen and prepared before the first gradient step. */
    private record Prepared(ExperimentSpec spec, ModelFactory<?> factory, Record parameters, int threads, Split train,
                            Split eval, Split test, RunFolder folder, Provenance provenance, RunTracker tracker,
                            Map<String, CaptionGenerator> generators, Augmentation augmentation) {}

    RunResult call() throws Exception {
        long startNanos = System.nanoTime();
        Instant started = context.clock().instant();
        ResolvedSpec resolved = context.spec();
        ExperimentSpec spec = resolved.spec();
        PrintStream out = context.console();

        ModelFactory<?> factory = modelFactory(spec.model().type());
        Record parameters = ModelParameters.bind(factory, resolved, mapper);
        RunTracker tracker = tracker(spec.tracking().type());
        Map<String, CaptionGenerator> generators = captionGenerators(spec.captioning().generators());
        Augmentation augmentation = augmentation(spec.augment());
        int threads = spec.training().threads() > 0 ? spec.training().threads() : factory.preferredThreads();
        useThreads(threads);

        FashionMnist data = locator(spec.data()).load();
        Split train = data.train().head(limit(spec.data().trainLimit(), data.train().size()));
        Split test = data.test().head(limit(spec.data().testLimit(), data.test().size()));
        Split[] trainAndEval = holdOut(train, test, spec.training().validationSplit(), spec.seed());

        ExperimentModule.Placement placement = context.placement();
        RunFolder folder = placement.resume() ? RunFolder.existing(placement.dir())
                : placement.dir() != null ? RunFolder.at(placement.dir())
                : RunFolder.create(Path.of(spec.output().dir()), spec.name(),
                        LocalDateTime.ofInstant(started, context.clock().getZone()));
        out.println((placement.resume() ? "resuming run folder: " : "run folder: ") + folder.dir());
        ExperimentSpec saved = new ExperimentSpec(spec.name(), spec.description(), spec.seed(), spec.data(),
                ModelParameters.resolved(spec.model().type(), parameters, mapper), spec.training(), spec.tracking(),
                spec.output(), spec.captioning(), spec.augment(), spec.sweep());
        String savedYaml = mapper.write(saved);
        Provenance provenance = Provenance.collect(context.command(), spec.seed(), threads, data.source(), started);
        String trackedRunId = null;
        if (placement.resume()) {
            Provenance before = Provenance.read(folder.path("provenance.json"));
            provenance.differencesFrom(before).forEach(d -> out.println("warning: " + d));
            provenance = before.resumedAt(started);
            trackedRunId = readTrackedRunId(folder);
        } else {
            folder.writeText("spec.yaml", savedYaml);
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("spec_file", resolved.file().toString());
            overrides.put("overrides", resolved.overrides());
            overrides.put("environment", resolved.environment());
            folder.writeText("overrides.yaml", mapper.write(overrides));
            folder.writeText("command.txt", "./runner " + String.join(" ", context.command()) + "\n");
        }
        folder.writeBytes("provenance.json", json.writeValueAsBytes(provenance));

        Map<String, String> tags = tags(spec, resolved, provenance, savedYaml, folder);
        tags.putAll(context.tags());
        out.println(tracker.start(new RunTracker.RunDescription(
                MlflowTracker.experiment(spec.tracking(), context.environment(), spec.name()),
                spec.name() + "-" + folder.dir().getFileName(), TrackedValues.params(mapper.yaml().valueToTree(saved)),
                tags, started.toEpochMilli(), trackedRunId)));
        if (!placement.resume() && tracker.runId() != null) {
            Files.createDirectories(folder.path(CHECKPOINTS));
            Files.writeString(folder.path(CHECKPOINTS).resolve(TRACKED_RUN_FILE), tracker.runId());
        }
        // Ctrl-C ends the JVM through its shutdown hooks: the tracked run is then marked KILLED.
        Thread onInterrupt = new Thread(() -> tracker.finish(RunStatus.KILLED).forEach(out::println));
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            RunResult result = trainAndRecord(new Prepared(spec, factory, parameters, threads, trainAndEval[0],
                    trainAndEval[1], test, folder, provenance, tracker, generators, augmentation), startNanos);
            tracker.finish(RunStatus.FINISHED).forEach(out::println);
            return result;
        } catch (Exception | Error e) {
            tracker.finish(RunStatus.FAILED).forEach(out::println);
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Already shutting down: the hook is running or has run.
            }
        }
    }

    private RunResult trainAndRecord(Prepared run, long startNanos) throws Exception {
        PrintStream out = context.console();
        ExperimentSpec spec = run.spec();
        RunTracker tracker = run.tracker();
        RunFolder folder = run.folder();
        Split test = run.test();
        int threads = run.threads();
        MultiLayerNetwork net = build(run.factory(), run.parameters(), spec);
        out.printf("model %s: %,d parameters; %d thread%s%n", spec.model().type(), net.numParams(), threads,
                threads == 1 ? "" : "s");
        TrainingSpec t = spec.training();
        Path checkpoints = folder.path(CHECKPOINTS);
        TrainingState from = TrainingState.initial();
        if (context.placement().resume()) {
            from = EpochCheckpoint.restore(checkpoints, net).orElse(from);
            out.println(from.epochsDone() == 0 ? "no epoch was checkpointed before the interruption; training starts over"
                    : "resuming after epoch " + from.epochsDone() + " of " + t.epochs() + ", from its checkpoint");
            // Epochs finished before the interruption are recorded again where the tracker missed them.
            for (EpochMetrics m : from.history()) {
                tracker.logMetrics(TrackedValues.epoch(m), m.epoch());
            }
        }
        TrainingListener tracking = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m) {
                tracker.logMetrics(TrackedValues.epoch(m), m.epoch());
            }
        };
        if (!spec.augment().isEmpty()) {
            folder.writePng("augmentations.png", AugmentationGrid.render(run.train(), run.augmentation(), 6, 7, spec.seed(),
                    spec.name() + ": training images and their augmentations"));
        }
        List<EpochMetrics> history = new Trainer(List.of(new ConsoleProgress(out, context.terminal()),
                new EpochCheckpoint(checkpoints), tracking), run.augmentation())
                .fit(net, run.train(), run.eval(), t, spec.seed(), from);
        double trainSeconds = history.stream().mapToDouble(EpochMetrics::seconds).sum();
        Integer bestEpoch = null;
        if (run.eval() != test) {
            bestEpoch = Trainer.bestEpoch(history);
            out.printf("kept the weights of epoch %d (lowest validation loss) of %d trained%n", bestEpoch, history.size());
        }

        Evaluation evaluation = Evaluation.of("test", Predictor.predict(net, test));
        out.printf("test accuracy %.4f, loss %.4f, macro F1 %.4f%n", evaluation.accuracy(), evaluation.loss(),
                evaluation.report().macro().f1());
        int lastEpoch = history.get(history.size() - 1).epoch();
        tracker.logMetrics(TrackedValues.test(evaluation, run.eval() == test, trainSeconds), lastEpoch);

        Map<String, CaptionConsistency.Result> captioning = Map.of();
        if (!run.generators().isEmpty()) {
            RunCaptions.Outcome captions = RunCaptions.caption(run.generators(), new CaptionConsistency(embedder.get()), test,
                    evaluation.predictions(), spec.captioning().samples(), spec.seed());
            folder.writeText("captions.csv", RunCaptions.csv(captions.rows()));
            captioning = captions.consistency();
            captioning.forEach((name, r) -> out.printf(
                    "captions (%s): class agreement %.3f with the prediction, %.3f with the truth; diversity %.3f over %d%n",
                    name, r.agreementWithPredicted(), r.agreementWithTrue(), r.diversity(), r.captions()));
            tracker.logMetrics(RunCaptions.metrics(captioning), lastEpoch);
        }

        writeResults(folder, spec, net, history, evaluation, test, run.generators());
        double wall = (System.nanoTime() - startNanos) / 1e9;
        folder.writeBytes("metrics.json", json.writeValueAsBytes(RunReport.metrics(spec.name(), spec.model().type(),
                net.numParams(), history, bestEpoch, evaluation, captioning, trainSeconds, wall)));
        folder.writeBytes("provenance.json", json.writeValueAsBytes(run.provenance().finished(wall)));
        tracker.logArtifacts(folder.dir(), TrackedValues.tables(evaluation));
        // The run is complete and model.zip holds what a restart would need; checkpoints only take room now.
        EpochCheckpoint.delete(checkpoints);
        out.printf("done in %.1f s; outputs in %s%n", wall, folder.dir());
        return new RunResult(folder.dir(), history, evaluation, net.numParams(), wall);
    }

    /** The local MLflow run an interrupted run was recorded in; null when it was not tracked. */
    private static String readTrackedRunId(RunFolder folder) throws IOException {
        Path file = folder.path(CHECKPOINTS).resolve(TRACKED_RUN_FILE);
        return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
    }

    /** MLflow's standard tags, and fmnist's own for finding runs again. */
    private static Map<String, String> tags(ExperimentSpec spec, ResolvedSpec resolved, Provenance provenance,
                                            String savedYaml, RunFolder folder) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", spec.name() + "-" + folder.dir().getFileName());
        tags.put("mlflow.source.name", resolved.file().toString());
        tags.put("mlflow.source.type", "LOCAL");
        tags.put("mlflow.user", System.getProperty("user.name", ""));
        if (provenance.gitCommit() != null) {
            tags.put("mlflow.source.git.commit", provenance.gitCommit());
            tags.put("fmnist.git_dirty", String.valueOf(provenance.gitDirty()));
        }
        if (spec.description() != null) {
            tags.put("mlflow.note.content", spec.description());
        }
        tags.put("fmnist.model_type", spec.model().type());
        tags.put("fmnist.spec_hash", sha256(savedYaml).substring(0, 12));
        tags.put("fmnist.run_folder", folder.dir().toAbsolutePath().toString());
        return tags;
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private void writeResults(RunFolder folder, ExperimentSpec spec, MultiLayerNetwork net, List<EpochMetrics> history,
                              Evaluation evaluation, Split test, Map<String, CaptionGenerator> generators) throws Exception {
        String title = spec.name() + " (" + spec.model().type() + ")";
        folder.writeText("report.md", RunReport.markdown(spec.name(), evaluation));
        folder.writeBytes("report.json", json.writeValueAsBytes(RunReport.report(evaluation.report())));
        folder.writeText("confusion-matrix.csv", RunReport.confusionCsv(evaluation.confusion()));
        folder.writePng("confusion-matrix.png", ConfusionMatrixChart.render(evaluation.confusion(),
                String.format("%s: test accuracy %.4f", title, evaluation.accuracy())));
        if (spec.output().samples() > 0) {
            List<Integer> chosen = SampleGrid.choose(evaluation.predictions(), spec.output().samples(), spec.seed());
            List<String> captions = new ArrayList<>();
            String captioner = generators.isEmpty() ? null : generators.keySet().iterator().next();
            if (captioner != null) {
                for (int i : chosen) {
                    captions.add(generators.get(captioner).caption(RunCaptions.prediction(test, evaluation.predictions(), i)));
                }
            }
            folder.writePng("samples.png", SampleGrid.render(test, evaluation.predictions(), chosen, captions,
                    title + ": sample test predictions (green right, red wrong)"
                            + (captioner == null ? "" : ", " + captioner + " captions")));
        }
        folder.writePng("training-curves.png", TrainingCurves.render(history, title));
        if (spec.output().saveModel()) {
            folder.write("model.zip", tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
        }
    }

    /** The spec's augmentations composed in order; none when the list is empty. */
    private Augmentation augmentation(List<PluginSpec> entries) {
        Augmentation all = Augmentation.none();
        for (int i = 0; i < entries.size(); i++) {
            PluginSpec entry = entries.get(i);
            String key = "augment[" + i + "]";
            AugmentationFactory<?> factory = augmentations.get(entry.type());
            if (factory == null) {
                throw new SpecException(new SpecProblem(context.spec().sourceOf("augment"), key + ".type",
                        "unknown augmentation '" + entry.type() + "'", "use one of " + new TreeSet<>(augmentations.keySet())));
            }
            all = all.then(create(factory, entry, key));
        }
        return all;
    }

    private <P extends Record> Augmentation create(AugmentationFactory<P> factory, PluginSpec entry, String key) {
        return factory.create(mapper.bindParameters(entry.params(), factory.parametersType(), key, context.spec()::sourceOf));
    }

    private Map<String, CaptionGenerator> captionGenerators(List<String> names) {
        Map<String, CaptionGenerator> chosen = new LinkedHashMap<>();
        for (String name : names) {
            Provider<CaptionGenerator> g = captioners.get(name);
            if (g == null) {
                throw new SpecException(new SpecProblem(context.spec().sourceOf("captioning.generators"),
                        "captioning.generators", "unknown caption generator '" + name + "'",
                        "use registered generators: " + new TreeSet<>(captioners.keySet())));
            }
            chosen.put(name, g.get());
        }
        return chosen;
    }

    private ModelFactory<?> modelFactory(String type) {
        ModelFactory<?> factory = models.get(type);
        if (factory == null) {
            throw new SpecException(new SpecProblem(context.spec().sourceOf("model.type"), "model.type",
                    "unknown model type '" + type + "'", "use one of the registered models: " + new TreeSet<>(models.keySet())));
        }
        return factory;
    }

    private RunTracker tracker(String type) {
        Provider<RunTracker> tracker = trackers.get(type);
        if (tracker == null) {
            throw new SpecException(new SpecProblem(context.spec().sourceOf("tracking.type"), "tracking.type",
                    "unknown tracker '" + type + "'", "use one of the registered trackers: " + new TreeSet<>(trackers.keySet())));
        }
        return tracker.get();
    }

    private static <P extends Record> MultiLayerNetwork build(ModelFactory<P> factory, Record parameters,
                                                              ExperimentSpec spec) {
        P typed = factory.parametersType().cast(parameters);
        return factory.create(typed, new ModelContext(spec.seed(),
                spec.training().optimizer().updater(spec.training())));
    }

    private DataLocator locator(DataSpec d) {
        Map<String, String> env = context.environment();
        Path cache = d.cache() != null ? Path.of(d.cache()) : DataLocator.defaultCache(env);
        Optional<java.net.URI> mirror = d.download() ? Optional.of(java.net.URI.create(d.mirror())) : Optional.empty();
        return DataLocator.standard(d.dir() == null ? null : Path.of(d.dir()), cache, mirror, env);
    }

    /** Limits both ND4J's own threads and OpenBLAS's for this process. */
    static void useThreads(int threads) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        // libnd4j's OpenMP team otherwise stays as large as the machine, whatever the settings above say.
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }

    private static int limit(int requested, int available) {
        return requested == 0 ? available : Math.min(requested, available);
    }

    /** {train, eval}: with a validation fraction, a seeded slice of the training images; else the test set. */
    static Split[] holdOut(Split train, Split test, double fraction, long seed) {
        if (fraction <= 0) {
            return new Split[] {train, test};
        }
        int[] order = Trainer.permutation(train.size(), new Random(seed ^ 0x5DEECE66DL));
        int held = (int) Math.round(train.size() * fraction);
        int[] validation = Arrays.copyOfRange(order, 0, held);
        int[] rest = Arrays.copyOfRange(order, held, order.length);
        Arrays.sort(validation);
        Arrays.sort(rest);
        return new Split[] {train.select("train", rest), train.select("validation", validation)};
    }
}
