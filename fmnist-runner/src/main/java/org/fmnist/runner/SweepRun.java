package org.fmnist.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.spec.SweepSpec;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.Trainer;
import org.fmnist.runner.sweep.PointOutcome;
import org.fmnist.runner.sweep.SweepExecutor;
import org.fmnist.runner.sweep.SweepPoint;
import org.fmnist.runner.sweep.SweepTable;
import org.fmnist.runner.tracking.MlflowTracker;
import org.fmnist.runner.tracking.RunReplicator;
import org.fmnist.runner.tracking.RunStatus;
import org.fmnist.runner.tracking.RunTracker;

/**
 * A sweep: the spec once for every point of its grid, each point a child run (MLflow's
 * {@code mlflow.parentRunId}) of one parent run, then a table of all points, best first. A point
 * that fails is reported and the others go on. The sweep folder holds the points' run folders,
 * {@code sweep.md} and {@code sweep.json}.
 */
final class SweepRun {
    private final ExperimentModule.RunContext context;
    private final Map<String, Provider<RunTracker>> trackers;
    private final Map<String, SweepExecutor> executors;
    private final SpecLoader loader = new SpecLoader();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Inject
    SweepRun(ExperimentModule.RunContext context, Map<String, Provider<RunTracker>> trackers,
             Map<String, SweepExecutor> executors) {
        this.context = context;
        this.trackers = trackers;
        this.executors = executors;
    }

    /** Runs every point with {@code launcher}; returns the exit code: 0 when all points finished, else 1. */
    int call(ExperimentLauncher launcher) throws Exception {
        ResolvedSpec resolved = context.spec();
        ExperimentSpec spec = resolved.spec();
        SweepSpec sweep = spec.sweep();
        PrintStream out = context.console();
        SweepExecutor executor = executors.get(sweep.executor());
        if (executor == null) {
            throw new SpecException(new SpecProblem(resolved.sourceOf("sweep.executor"), "sweep.executor",
                    "unknown sweep executor '" + sweep.executor() + "'", "use one of " + new TreeSet<>(executors.keySet())));
        }
        Set<String> metrics = new LinkedHashSet<>(List.of("val_accuracy", "val_loss"));
        metrics.addAll(TrackedValues.testMetricNames());
        if (!metrics.contains(sweep.metric())) {
            throw new SpecException(new SpecProblem(resolved.sourceOf("sweep.metric"), "sweep.metric",
                    "'" + sweep.metric() + "' is not a metric a sweep can compare", "use one of " + metrics));
        }
        if (sweep.metric().startsWith("val_") && spec.training().validationSplit() <= 0) {
            throw new SpecException(new SpecProblem(resolved.sourceOf("sweep.metric"), "sweep.metric",
                    "compares validation results, but the runs hold out no validation images",
                    "set training.validation_split: 0.1, or compare a test metric"));
        }
        Provider<RunTracker> tracker = trackers.get(spec.tracking().type());
        if (tracker == null) {
            throw new SpecException(new SpecProblem(resolved.sourceOf("tracking.type"), "tracking.type",
                    "unknown tracker '" + spec.tracking().type() + "'", "use one of " + new TreeSet<>(trackers.keySet())));
        }
        List<SweepPoint> points = SweepPoint.grid(sweep.grid());
        // Every point's spec is resolved before any point trains, so a bad value stops the sweep at once.
        Map<Integer, ResolvedSpec> specs = new LinkedHashMap<>();
        for (SweepPoint p : points) {
            specs.put(p.index(), point(resolved, p));
        }

        Instant started = context.clock().instant();
        RunFolder folder = RunFolder.create(Path.of(spec.output().dir()), spec.name(),
                LocalDateTime.ofInstant(started, context.clock().getZone()));
        folder.writeText("spec.yaml", loader.mapper().write(spec));
        folder.writeText("command.txt", "./runner " + String.join(" ", context.command()) + "\n");
        List<String> keys = List.copyOf(sweep.grid().keySet());
        out.printf("sweep: %d points over %s, sorted by %s; %s executor, %d at once; folder %s%n", points.size(), keys,
                sweep.metric(), sweep.executor(), sweep.parallel(), folder.dir());

        RunTracker parent = tracker.get();
        String runName = spec.name() + "-sweep-" + folder.dir().getFileName();
        out.println(parent.start(new RunTracker.RunDescription(
                MlflowTracker.experiment(spec.tracking(), context.environment(), spec.name()), runName,
                sweepParams(sweep), sweepTags(runName, resolved, folder), started.toEpochMilli(), null)));
        try {
            List<PointOutcome> outcomes = executor.runAll(points, p -> runPoint(p, points.size(), specs.get(p.index()),
                    folder, parent, launcher), sweep.parallel());
            return finish(outcomes, keys, sweep, folder, parent);
        } catch (Exception | Error e) {
            parent.finish(RunStatus.FAILED).forEach(out::println);
            throw e;
        }
    }

    private PointOutcome runPoint(SweepPoint p, int count, ResolvedSpec pointSpec, RunFolder sweepFolder, RunTracker parent,
                                  ExperimentLauncher launcher) throws Exception {
        boolean alone = pointSpec.spec().sweep().parallel() == 1;
        PrintStream console = alone ? context.console()
                : LinePrefixedStream.of(context.console(), "[" + p.index() + "/" + count + "] ");
        console.printf("== point %d of %d: %s ==%n", p.index(), count, p.label());
        Map<String, String> tags = new LinkedHashMap<>();
        if (parent.runId() != null) {
            tags.put(RunReplicator.PARENT_RUN_ID_TAG, parent.runId());
        }
        tags.put("fmnist.sweep_point", p.label());
        List<String> command = new ArrayList<>(context.command());
        command.add("--point=" + p.index());
        Path dir = sweepFolder.path(p.folderName());
        RunResult result = launcher.launch(new ExperimentModule.RunContext(pointSpec, console, alone && context.terminal(),
                context.environment(), command, context.clock(), ExperimentModule.Placement.at(dir), tags));
        Map<String, Double> metrics = new LinkedHashMap<>();
        int keptEpoch = Trainer.bestEpoch(result.history());
        result.history().stream().filter(m -> m.evalSplit().equals("validation"))
                .filter(m -> m.epoch() == keptEpoch).findFirst().ifPresent(kept -> {
                    metrics.put("val_accuracy", kept.evalAccuracy());
                    metrics.put("val_loss", kept.evalLoss());
                });
        double trainSeconds = result.history().stream().mapToDouble(EpochMetrics::seconds).sum();
        metrics.putAll(TrackedValues.test(result.test(), false, trainSeconds));
        metrics.put(SweepTable.SECONDS_PER_EPOCH, trainSeconds / result.history().size());
        return new PointOutcome(p, dir, metrics, null);
    }

    /** {@code sweep}'s spec at point {@code p}: the same layers with the point's values on top, and no grid. */
    static ResolvedSpec point(ResolvedSpec sweep, SweepPoint p, Map<String, String> environment) {
        List<String> overrides = new ArrayList<>(sweep.overrides());
        overrides.addAll(p.overrides());
        ResolvedSpec r = new SpecLoader().load(sweep.file(), overrides, environment);
        return new ResolvedSpec(r.spec().asSweepPoint(), r.file(), r.overrides(), r.environment(), r.sources());
    }

    private ResolvedSpec point(ResolvedSpec sweep, SweepPoint p) {
        return point(sweep, p, context.environment());
    }

    private int finish(List<PointOutcome> outcomes, List<String> keys, SweepSpec sweep, RunFolder folder, RunTracker parent)
            throws Exception {
        PrintStream out = context.console();
        List<PointOutcome> complete = new ArrayList<>();
        for (PointOutcome o : outcomes) {
            Path dir = folder.path(o.point().folderName());
            complete.add(o.folder() != null || !Files.isDirectory(dir) ? o
                    : new PointOutcome(o.point(), dir, o.metrics(), o.failure()));
        }
        List<PointOutcome> ranked = SweepTable.ranked(complete, sweep.metric());
        long failed = ranked.stream().filter(PointOutcome::failed).count();
        String table = SweepTable.markdown(keys, ranked, sweep.metric(), folder.dir());
        folder.writeText("sweep.md", "# Sweep " + context.spec().spec().name() + "\n\n```\n./runner "
                + String.join(" ", context.command()) + "\n```\n\nPoints sorted by " + sweep.metric() + ", best first.\n\n" + table);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PointOutcome o : ranked) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("point", o.point().index());
            row.put("values", o.point().values());
            row.put("folder", o.folder() == null ? null : folder.dir().relativize(o.folder()).toString());
            row.put("failure", o.failure());
            row.put("metrics", new TreeMap<>(o.metrics()));
            rows.add(row);
        }
        folder.writeBytes("sweep.json", json.writeValueAsBytes(Map.of("metric", sweep.metric(), "points", rows)));
        out.println();
        out.print(table);
        for (PointOutcome o : ranked) {
            if (o.failed()) {
                out.printf("point %d (%s) failed: %s%n", o.point().index(), o.point().label(), o.failure());
            }
        }
        Map<String, Double> summary = new LinkedHashMap<>();
        if (failed < ranked.size()) {
            summary.put("best_" + sweep.metric(), ranked.get(0).metrics().get(sweep.metric()));
        }
        summary.put("points_finished", (double) (ranked.size() - failed));
        summary.put("points_failed", (double) failed);
        parent.logMetrics(summary, 0);
        parent.logArtifacts(folder.dir(), Map.of());
        parent.finish(failed == ranked.size() ? RunStatus.FAILED : RunStatus.FINISHED).forEach(out::println);
        out.printf("sweep done: %d of %d points finished; table in %s%n", ranked.size() - failed, ranked.size(),
                folder.path("sweep.md"));
        return failed == 0 ? RunnerMain.OK : RunnerMain.FAILED;
    }

    private static Map<String, String> sweepParams(SweepSpec sweep) {
        Map<String, String> params = new LinkedHashMap<>();
        sweep.grid().forEach((k, v) -> params.put("sweep.grid." + k, String.join(", ", v)));
        params.put("sweep.metric", sweep.metric());
        params.put("sweep.executor", sweep.executor());
        params.put("sweep.parallel", Integer.toString(sweep.parallel()));
        return params;
    }

    private static Map<String, String> sweepTags(String runName, ResolvedSpec resolved, RunFolder folder) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", runName);
        tags.put("mlflow.source.name", resolved.file().toString());
        tags.put("mlflow.source.type", "LOCAL");
        tags.put("mlflow.user", System.getProperty("user.name", ""));
        tags.put("fmnist.sweep", "true");
        tags.put("fmnist.run_folder", folder.dir().toAbsolutePath().toString());
        return tags;
    }
}
