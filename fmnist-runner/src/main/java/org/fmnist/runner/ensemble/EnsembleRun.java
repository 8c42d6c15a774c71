package org.fmnist.runner.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.eval.TestTimeAugmentation;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackedValues;
import org.fmnist.runner.NativeMemoryGuard;
import org.fmnist.runner.Registry;
import org.fmnist.runner.experiment.RunPreparation;
import org.fmnist.runner.folder.FinishedRun;
import org.fmnist.runner.folder.Provenance;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.folder.ShellCommand;
import org.fmnist.runner.folder.RunOutputs;
import org.fmnist.runner.folder.RunReport;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * {@code runner ensemble}: averages the softmax outputs of finished runs over the test set and
 * writes the result as a run folder of its own, recorded in the members' trackers with their ids.
 *
 * <p>Each member is scored as its own run scored it, test-time views included, unless views are given
 * for all of them (chosen on validation with {@code runner score}). Members must have
 * been trained and tested on the same data (the MD5s in their provenance) and the same test images
 * ({@code data.test_limit}); otherwise averaging them would compare nothing.
 */
public final class EnsembleRun {
    /** The {@code model} an ensemble's metrics.json names. */
    public static final String MODEL = "ensemble";
    private final Registry registry;
    private final Invocation invocation;
    private final NativeMemoryGuard memoryGuard;
    private final ObjectMapper json = JsonMapperFactory.create();

    @Inject
    EnsembleRun(Registry registry, Invocation invocation, NativeMemoryGuard memoryGuard) {
        this.registry = registry;
        this.invocation = invocation;
        this.memoryGuard = memoryGuard;
    }

    /** What the ensemble scored, for the console and tests. */
    public record Result(Path folder, Evaluation evaluation, Map<Path, Double> memberAccuracies) {}

    /**
     * @param runs run folders, or folders holding them (a sweep's folder stands for its points)
     * @param out the folder to create, or null for {@code OUTPUT_DIR/NAME/TIMESTAMP} after the first member's output.dir
     * @param name the ensemble's name, or null for the first member's name followed by "-ensemble"
     * @param views the test-time views to score every member with, or empty for each member's own
     * @param command the arguments it was started with, for command.txt and provenance
     * @throws SpecException when a folder is not a finished run with a model, or the members do not match
     */
    public Result run(List<Path> runs, Path out, String name, Optional<List<TestTimeAugmentation>> views,
                      List<String> command) throws Exception {
        long startNanos = System.nanoTime();
        Instant started = invocation.clock().instant();
        PrintStream console = invocation.out();
        List<FinishedRun> members = FinishedRun.ensembleMembers(runs);
        ExperimentSpec first = members.get(0).spec();
        String ensembleName = name != null ? name : first.name() + "-ensemble";

        memoryGuard.chooseFor(List.of());
        int threads = Runtime.getRuntime().availableProcessors();
        RunPreparation.useThreads(threads);
        FashionMnist data = members.get(0).data(invocation.environment());
        Split test = members.get(0).test(data);

        List<Predictions> outputs = new ArrayList<>();
        Map<Path, Double> accuracies = new LinkedHashMap<>();
        for (FinishedRun m : members) {
            Network net = m.network();
            List<TestTimeAugmentation> memberViews = views.orElse(m.spec().evaluation().tta());
            Predictions p = Predictor.predict(net, test, memberViews);
            outputs.add(p);
            accuracies.put(m.folder(), p.accuracy());
            console.printf("member %s: test accuracy %.4f%s%n", m.folder(), p.accuracy(),
                    memberViews.isEmpty() ? "" : " (with the test-time views " + TestTimeAugmentation.keys(memberViews) + ")");
        }
        Evaluation evaluation = Evaluation.of("test", Predictions.mean(outputs));
        console.printf("ensemble of %d: test accuracy %.4f, loss %.4f, macro F1 %.4f%n", members.size(),
                evaluation.accuracy(), evaluation.loss(), evaluation.report().macro().f1());

        RunFolder folder = out != null ? RunFolder.at(out)
                : RunFolder.create(Path.of(first.output().dir()), ensembleName,
                        LocalDateTime.ofInstant(started, invocation.clock().getZone()));
        new RunOutputs().writeEvaluation(folder, ensembleName, ensembleName + " (" + members.size() + " members)", evaluation,
                String.format(java.util.Locale.ROOT, "Data: the %d members' softmax outputs averaged on %,d test images; "
                        + "each member's own report says what it trained on.", members.size(), test.size()),
                test, first.output().samples(), first.seed(), Map.of());
        double trainSeconds = 0;
        long parameters = 0;
        List<Map<String, Object>> memberRows = new ArrayList<>();
        for (FinishedRun m : members) {
            JsonNode metrics = json.readTree(m.folder().resolve("metrics.json").toFile());
            trainSeconds += metrics.path("train_seconds").asDouble();
            parameters += metrics.path("parameters").asLong();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("folder", m.folder().toAbsolutePath().toString());
            row.put("name", m.spec().name());
            row.put("seed", m.spec().seed());
            row.put("test_accuracy", accuracies.get(m.folder()));
            row.put("tta", views.orElse(m.spec().evaluation().tta()));
            row.put("tracked_run_ids", m.trackedRunIds());
            memberRows.add(row);
        }
        double wall = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> summary = new LinkedHashMap<>(TrackedValues.test(evaluation, false, trainSeconds));
        summary.put("members", (double) members.size());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("run", ensembleName);
        metrics.put("model", MODEL);
        metrics.put("parameters", parameters);
        metrics.put("epochs", List.of());
        metrics.put("members", memberRows);
        metrics.put("test", RunReport.test(evaluation));
        metrics.put("train_seconds", trainSeconds);
        metrics.put("wall_seconds", wall);
        metrics.put(RunOutputs.SUMMARY, summary);
        folder.writeBytes("metrics.json", json.writeValueAsBytes(metrics));
        folder.writeText("command.txt", ShellCommand.of(command) + "\n");
        Provenance provenance = Provenance.collect(command, first.seed(), threads, data.source(), started).finished(wall);
        folder.writeBytes("provenance.json", json.writeValueAsBytes(provenance));

        record(members, ensembleName, folder, provenance, summary, evaluation, views).forEach(console::println);
        console.printf("outputs in %s%n", folder.dir());
        return new Result(folder.dir(), evaluation, accuracies);
    }

    /**
     * Records the ensemble in the trackers of the first member's spec, in its experiment, tagged with
     * every member's folder and, by tracker, the members' run ids; the views given for all members, if
     * any, are its {@code tta} parameter.
     */
    private List<String> record(List<FinishedRun> members, String name, RunFolder folder, Provenance provenance,
                                Map<String, Double> summary, Evaluation evaluation,
                                Optional<List<TestTimeAugmentation>> views) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("fmnist.model_type", MODEL);
        labels.put("fmnist.run_folder", folder.dir().toAbsolutePath().toString());
        labels.put("fmnist.ensemble.member_folders",
                String.join(",", members.stream().map(m -> m.folder().toAbsolutePath().toString()).toList()));
        Map<String, List<String>> idsByTracker = new TreeMap<>();
        members.forEach(m -> m.trackedRunIds().forEach((tracker, id) ->
                idsByTracker.computeIfAbsent(tracker, t -> new ArrayList<>()).add(id)));
        idsByTracker.forEach((tracker, ids) -> labels.put("fmnist.ensemble.member_run_ids." + tracker, String.join(",", ids)));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("members", String.valueOf(members.size()));
        views.ifPresent(v -> params.put("tta", TestTimeAugmentation.keys(v)));
        ResolvedSpec resolved = members.get(0).resolved();
        RunTrackers trackers = registry.trackers(resolved);
        List<String> lines = new ArrayList<>(trackers.start(new RunTracker.RunDescription(resolved.spec().name(), name,
                "runner ensemble", "Ensemble of " + members.size() + " runs: softmax outputs averaged on the test set.",
                provenance.gitCommit(), null, params, labels, List.of(), provenance.started().toEpochMilli(), null), Map.of(), Map.of()));
        trackers.logMetrics(summary, 0);
        trackers.logArtifacts(folder.dir(), TrackedValues.tables(evaluation));
        lines.addAll(trackers.finish(RunStatus.FINISHED));
        return lines;
    }

    /** The members named by {@code runs}: each a run folder, or a folder of run folders; at least two. */
}
