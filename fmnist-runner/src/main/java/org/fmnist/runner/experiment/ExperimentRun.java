package org.fmnist.runner.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.captioning.CaptionConsistency;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.captioning.RunCaptions;
import org.fmnist.captioning.SentenceEmbedder;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.eval.TestTimeAugmentation;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.model.ModelParameters;
import org.fmnist.core.model.Network;
import org.fmnist.core.plot.AugmentationGrid;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.TrackedValues;
import org.fmnist.core.train.EpochCheckpoint;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.Trainer;
import org.fmnist.core.train.TrainingListener;
import org.fmnist.core.train.TrainingState;
import org.fmnist.runner.OnShutdown;
import org.fmnist.runner.Registry;
import org.fmnist.runner.folder.Provenance;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.folder.RunOutputs;
import org.fmnist.runner.folder.RunReport;
import org.fmnist.runner.folder.ShellCommand;
import org.fmnist.runner.job.JobRunner;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * Executes one {@link RunJob}, from resolved spec to run folder: prepares it, records how it came
 * about, trains with the console, checkpoint and tracker as listeners, evaluates on the test set and
 * writes the outputs. The same code runs a single run, a sweep point, {@code resume} and
 * {@code runner job}.
 */
public final class ExperimentRun implements JobRunner {
    /** The run folder's subfolder of epoch checkpoints, removed once the run is complete. */
    public static final String CHECKPOINTS = "checkpoint";
    private final RunPreparation preparation;
    private final Registry registry;
    private final Provider<SentenceEmbedder> embedder;
    private final SpecMapper mapper = new SpecMapper();
    private final ObjectMapper json = JsonMapperFactory.create();

    @Inject
    ExperimentRun(RunPreparation preparation, Registry registry, Provider<SentenceEmbedder> embedder) {
        this.preparation = preparation;
        this.registry = registry;
        this.embedder = embedder;
    }

    @Override
    public void execute(RunJob job, Invocation invocation, TrainingListener alsoListening) throws Exception {
        run(job, invocation, alsoListening);
    }

    /**
     * Runs {@code job}, printing progress to {@code invocation}'s console.
     *
     * @throws org.fmnist.core.spec.SpecException when the job names something unknown or its data is bad
     */
    public RunResult run(RunJob job, Invocation invocation) throws Exception {
        return run(job, invocation, new TrainingListener() {});
    }

    private RunResult run(RunJob job, Invocation invocation, TrainingListener alsoListening) throws Exception {
        long startNanos = System.nanoTime();
        Instant started = invocation.clock().instant();
        PrintStream out = invocation.out();
        ResolvedSpec resolved = job.resolved(mapper);
        ExperimentSpec spec = resolved.spec();
        RunTrackers trackers = job.trackedElsewhere() ? new RunTrackers(Map.of()) : registry.trackers(resolved);
        Map<String, CaptionGenerator> generators = registry.captioners(resolved);
        PreparedRun run = preparation.prepare(resolved);
        // Built before the folder and the tracked run exist: a model the runner refuses leaves nothing behind.
        Network net = run.newNetwork();

        RunFolder folder = job.resume() ? RunFolder.existing(job.runFolder())
                : job.runFolder() != null ? RunFolder.at(job.runFolder())
                : RunFolder.create(Path.of(spec.output().dir()), spec.name(),
                        LocalDateTime.ofInstant(started, invocation.clock().getZone()));
        out.println((job.resume() ? "resuming run folder: " : "run folder: ") + folder.dir());
        ExperimentSpec saved = new ExperimentSpec(spec.name(), spec.description(), spec.seed(), spec.data(),
                ModelParameters.resolved(spec.model().type(), run.parameters(), mapper), spec.training(), spec.evaluation(),
                spec.tracking(),
                spec.output(), spec.captioning(), spec.augment(), spec.sweep());
        String savedYaml = mapper.write(saved);
        Provenance provenance = Provenance.collect(job.command(), spec.seed(), run.threads(), run.data(), started);
        Map<String, String> trackedRunIds = Map.of();
        if (job.resume()) {
            Provenance before = Provenance.read(folder.path("provenance.json"));
            provenance.differencesFrom(before).forEach(d -> out.println("warning: " + d));
            provenance = before.resumedAt(started);
            trackedRunIds = readTrackedRunIds(folder);
        } else {
            writeRecipe(folder, job, resolved, savedYaml);
        }
        folder.writeBytes("provenance.json", json.writeValueAsBytes(provenance));

        trackers.start(RunDescriptions.of(spec, resolved.file().toString(), folder.dir(), provenance, savedYaml,
                job.tags(), started.toEpochMilli()), job.parentRunIds(), trackedRunIds).forEach(out::println);
        if (!job.resume() && !trackers.runIds().isEmpty()) {
            folder.writeBytes(RunFolder.TRACKED_RUN_IDS, json.writeValueAsBytes(trackers.runIds()));
        }
        // Ctrl-C ends the JVM through its shutdown hooks: the tracked records are then marked KILLED.
        try (OnShutdown onInterrupt = new OnShutdown(() -> trackers.finish(RunStatus.KILLED).forEach(out::println))) {
            RunResult result = trainAndRecord(run, net, folder, provenance, trackers, alsoListening, generators, job,
                    invocation, startNanos);
            trackers.finish(RunStatus.FINISHED).forEach(out::println);
            return result;
        } catch (Exception | Error e) {
            trackers.finish(RunStatus.FAILED).forEach(out::println);
            throw e;
        }
    }

    /** What the run was asked to do, in its folder: the resolved spec, its layers, the command and the job. */
    private void writeRecipe(RunFolder folder, RunJob job, ResolvedSpec resolved, String savedYaml) throws IOException {
        folder.writeText("spec.yaml", savedYaml);
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("spec_file", resolved.file().toString());
        overrides.put("overrides", resolved.overrides());
        overrides.put("environment", resolved.environment());
        folder.writeText("overrides.yaml", mapper.write(overrides));
        folder.writeText("command.txt", ShellCommand.of(job.command()) + "\n");
        folder.writeBytes(RunJob.FILE, json.writeValueAsBytes(job.in(folder.dir().toAbsolutePath())));
    }

    private RunResult trainAndRecord(PreparedRun run, Network net, RunFolder folder, Provenance provenance,
                                     RunTrackers trackers, TrainingListener alsoListening,
                                     Map<String, CaptionGenerator> generators, RunJob job, Invocation invocation,
                                     long startNanos) throws Exception {
        PrintStream out = invocation.out();
        ExperimentSpec spec = run.spec();
        out.printf("model %s: %,d parameters; %d thread%s; step: %s%n", spec.model().type(), net.numParams(), run.threads(),
                run.threads() == 1 ? "" : "s", net.trainingStep());
        Path checkpoints = folder.path(CHECKPOINTS);
        TrainingState from = TrainingState.initial();
        if (job.resume()) {
            from = EpochCheckpoint.restore(checkpoints, net).orElse(from);
            out.println(from.epochsDone() == 0 ? "no epoch was checkpointed before the interruption; training starts over"
                    : "resuming after epoch " + from.epochsDone() + " of " + spec.training().epochs() + ", from its checkpoint");
            // Epochs finished before the interruption are recorded again where the tracker missed them.
            from.history().forEach(trackers::onEpochEnd);
        }
        if (!spec.augment().isEmpty()) {
            folder.writePng("augmentations.png", AugmentationGrid.render(run.train(), run.augmentation(), 6, 7, spec.seed(),
                    spec.name() + ": training images and their augmentations"));
        }
        List<EpochMetrics> history;
        try (ConsoleProgress progress = new ConsoleProgress(out, invocation.terminal())) {
            history = new Trainer(List.of(progress, new EpochCheckpoint(checkpoints), trackers, alsoListening),
                    run.augmentation())
                    .fit(net, run.train(), run.eval(), spec.training(), spec.seed(), from,
                            job.pauseAfterEpoch() == null ? spec.training().epochs() : job.pauseAfterEpoch());
        }
        double trainSeconds = history.stream().mapToDouble(EpochMetrics::seconds).sum();
        if (paused(job, history, spec)) {
            // Nothing is evaluated or written: the checkpoint is the run so far, and resuming it trains on.
            folder.writeBytes("provenance.json", json.writeValueAsBytes(provenance));
            out.printf("paused after epoch %d of %d; its checkpoint is kept in %s%n", history.size(),
                    spec.training().epochs(), checkpoints);
            return new RunResult(folder.dir(), history, null, net.numParams(), (System.nanoTime() - startNanos) / 1e9);
        }
        Integer keptEpoch = null;
        if (!run.evaluatesOnTest()) {
            keptEpoch = Trainer.bestEpoch(history);
            out.printf("kept the weights of epoch %d (lowest validation loss) of %d trained%n", keptEpoch, history.size());
        }

        List<TestTimeAugmentation> views = spec.evaluation().tta();
        Predictions plain = Predictor.predict(net, run.test());
        Evaluation evaluation = Evaluation.of("test", Predictor.withViews(net, run.test(), plain, views));
        out.printf("test accuracy %.4f, loss %.4f, macro F1 %.4f%s%n", evaluation.accuracy(), evaluation.loss(),
                evaluation.report().macro().f1(), views.isEmpty() ? "" : " (averaged with the views "
                        + TestTimeAugmentation.keys(views) + ")");
        Map<String, Double> viewMetrics = views.isEmpty() ? Map.of() : viewMetrics(net, run, plain, views);
        if (!views.isEmpty()) {
            out.printf("without the views: test accuracy %.4f, loss %.4f%n", viewMetrics.get("test_plain_accuracy"),
                    viewMetrics.get("test_plain_loss"));
        }
        int lastEpoch = history.get(history.size() - 1).epoch();
        Map<String, Double> finalMetrics = new LinkedHashMap<>(TrackedValues.test(evaluation, run.evaluatesOnTest() && views.isEmpty(),
                trainSeconds));
        finalMetrics.putAll(viewMetrics);
        trackers.logMetrics(finalMetrics, lastEpoch);

        Map<String, CaptionConsistency.Result> captioning = Map.of();
        if (!generators.isEmpty()) {
            RunCaptions.Outcome captions = RunCaptions.caption(generators, new CaptionConsistency(embedder.get()),
                    run.test(), evaluation.predictions(), spec.captioning().samples(), spec.seed());
            folder.writeText("captions.csv", RunCaptions.csv(captions.rows()));
            captioning = captions.consistency();
            captioning.forEach((name, r) -> out.printf(
                    "captions (%s): class agreement %.3f with the prediction, %.3f with the truth; diversity %.3f over %d%n",
                    name, r.agreementWithPredicted(), r.agreementWithTrue(), r.diversity(), r.captions()));
            trackers.logMetrics(RunCaptions.metrics(captioning), lastEpoch);
        }

        double wall = (System.nanoTime() - startNanos) / 1e9;
        String dataUsed = RunReport.dataUsed(spec, run.train().size(), run.evaluatesOnTest() ? 0 : run.eval().size(),
                run.test().size());
        new RunOutputs().write(folder, new RunOutputs.Finished(spec, net, history, keptEpoch, evaluation, viewMetrics,
                run.test(), generators, captioning, trainSeconds, dataUsed), wall).forEach(note -> out.println("warning: " + note));
        folder.writeBytes("provenance.json", json.writeValueAsBytes(provenance.finished(wall)));
        trackers.logArtifacts(folder.dir(), TrackedValues.tables(evaluation));
        // The run is complete and model.zip holds what a restart would need; checkpoints only take room now.
        EpochCheckpoint.delete(checkpoints);
        out.printf("done in %.1f s; outputs in %s%n", wall, folder.dir());
        return new RunResult(folder.dir(), history, evaluation, net.numParams(), wall);
    }

    /** Whether the run stopped at the epoch its job pauses after, with epochs of its spec still to train. */
    private static boolean paused(RunJob job, List<EpochMetrics> history, ExperimentSpec spec) {
        int trained = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
        return job.pauseAfterEpoch() != null && trained == job.pauseAfterEpoch() && trained < spec.training().epochs();
    }

    /**
     * What test-time views change, so that their effect is reported beside the plain scores: the test
     * set without them ({@code test_plain_*}) and, when images were held out, the validation split with
     * them ({@code val_tta_*}), which is where to decide whether to use them.
     */
    private static Map<String, Double> viewMetrics(Network net, PreparedRun run, Predictions plain,
                                                   List<TestTimeAugmentation> views) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_plain_accuracy", plain.accuracy());
        metrics.put("test_plain_loss", plain.loss());
        if (!run.evaluatesOnTest()) {
            Predictions validation = Predictor.predict(net, run.eval(), views);
            metrics.put("val_tta_accuracy", validation.accuracy());
            metrics.put("val_tta_loss", validation.loss());
        }
        return metrics;
    }

    /** By tracker name, the records an interrupted run was kept in; empty when it was not tracked. */
    private Map<String, String> readTrackedRunIds(RunFolder folder) throws IOException {
        Path file = folder.path(RunFolder.TRACKED_RUN_IDS);
        return Files.isRegularFile(file) ? json.readValue(file.toFile(), new TypeReference<Map<String, String>>() {})
                : Map.of();
    }
}
