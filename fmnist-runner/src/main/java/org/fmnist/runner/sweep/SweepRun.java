package org.fmnist.runner.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.IOException;
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
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.spec.SweepSpec;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackedValues;
import org.fmnist.runner.OnShutdown;
import org.fmnist.runner.Registry;
import org.fmnist.runner.experiment.CompletedRunRecord;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.folder.ShellCommand;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * A sweep: the spec once for every point of its grid or search, each point a job recorded as a child run
 * of one parent run, then a table of all points, best first. A point
 * that fails is reported and the others go on. The sweep folder holds the points' run folders,
 * {@code sweep.md} and {@code sweep.json}.
 */
public final class SweepRun {
    private final Registry registry;
    private final Invocation invocation;
    private final SpecLoader loader = new SpecLoader();
    private final ObjectMapper json = JsonMapperFactory.create();
    private final CompletedRunRecord recorder;

    @Inject
    SweepRun(Registry registry, Invocation invocation, CompletedRunRecord recorder) {
        this.registry = registry;
        this.invocation = invocation;
        this.recorder = recorder;
    }

    /**
     * A sweep's points, each with its spec resolved and its model's and augmentations' keys bound.
     *
     * @param specs by point index
     */
    public record Plan(List<SweepPoint> points, Map<Integer, ResolvedSpec> specs) {
        /** The model types the points train, each once. */
        public List<String> modelTypes() {
            return specs.values().stream().map(r -> r.spec().model().type()).distinct().toList();
        }
    }

    /**
     * Resolves every point of {@code resolved}'s sweep before any trains: a bad metric, bad values or keys
     * a point's model lacks stop the sweep at once, exit 2, each problem once.
     *
     * @throws SpecException naming every problem
     */
    public Plan plan(ResolvedSpec resolved) {
        ExperimentSpec spec = resolved.spec();
        SweepSpec sweep = spec.sweep();
        Set<String> metrics = new LinkedHashSet<>(List.of("val_accuracy", "val_loss"));
        if (sweep.search() != SweepSpec.Search.ASHA) {
            metrics.addAll(TrackedValues.testMetricNames());
        }
        if (!metrics.contains(sweep.metric())) {
            throw new SpecException(new SpecProblem(resolved.sourceOf("sweep.metric"), "sweep.metric",
                    "'" + sweep.metric() + "' is not a metric " + (sweep.search() == SweepSpec.Search.ASHA
                            ? "successive halving compares trials on at every rung" : "a sweep can compare"),
                    "use one of " + metrics));
        }
        if (sweep.metric().startsWith("val_") && spec.training().validationSplit() <= 0) {
            throw new SpecException(new SpecProblem(resolved.sourceOf("sweep.metric"), "sweep.metric",
                    "compares validation results, but the runs hold out no validation images",
                    "set training.validation_split: 0.1, or compare a test metric"));
        }
        List<SweepPoint> points = SweepPoint.of(sweep, spec.seed());
        Map<Integer, ResolvedSpec> specs = new LinkedHashMap<>();
        Set<SpecProblem> problems = new LinkedHashSet<>();
        for (SweepPoint p : points) {
            ResolvedSpec pointSpec = point(resolved, p, invocation.environment());
            problems.addAll(registry.problemsOfPluginKeys(pointSpec));
            specs.put(p.index(), pointSpec);
        }
        if (!problems.isEmpty()) {
            throw new SpecException(List.copyOf(problems));
        }
        return new Plan(points, specs);
    }

    /**
     * Runs every point of {@code plan} as a job; returns the exit code: 0 when all points finished (or,
     * in a successive-halving search, finished or were stopped at a rung), else 1.
     *
     * @param command the runner arguments that started the sweep, saved with it and its points
     */
    public int call(ResolvedSpec resolved, Plan plan, List<String> command) throws Exception {
        SweepExecutor executor = registry.executor(resolved);
        RunTrackers parent = registry.trackers(resolved);
        try (SweepExecutor.Session session = executor.open(List.copyOf(plan.specs().values()), invocation)) {
            return run(resolved, command, session, parent, plan.points(), plan.specs());
        }
    }

    /** The sweep itself, once its executor is ready: its folder, its record, its points and its table. */
    private int run(ResolvedSpec resolved, List<String> command, SweepExecutor.Session session, RunTrackers parent,
                    List<SweepPoint> points, Map<Integer, ResolvedSpec> specs) throws Exception {
        ExperimentSpec spec = resolved.spec();
        PrintStream out = invocation.out();
        Instant started = invocation.clock().instant();
        RunFolder folder = RunFolder.create(Path.of(spec.output().dir()), spec.name(),
                LocalDateTime.ofInstant(started, invocation.clock().getZone()));
        folder.writeText("spec.yaml", loader.mapper().write(spec));
        folder.writeText("command.txt", ShellCommand.of(command) + "\n");
        printHeader(spec.sweep(), points, session, "sweep", folder);
        parent.start(description(resolved, folder, started.toEpochMilli()), Map.of(), Map.of()).forEach(out::println);
        try {
            List<SweepJob> jobs = new ArrayList<>();
            for (SweepPoint p : points) {
                List<String> pointCommand = new ArrayList<>(command);
                pointCommand.add("--point=" + p.index());
                jobs.add(new SweepJob(p, RunJob.of(specs.get(p.index()), loader.mapper(), pointCommand)
                        .in(folder.path(p.folderName()).toAbsolutePath())
                        .childOf(parent.runIds(), Map.of("fmnist.sweep_point", p.label())), points.size()));
            }
            new SavedSweep(RunJob.of(resolved, loader.mapper(), command).in(folder.dir()), started.toEpochMilli(),
                    parent.runIds(), jobs).write(folder.dir());
            return runPoints(resolved, command, jobs, false, session, folder, parent);
        } catch (Exception | Error e) {
            parent.finish(RunStatus.FAILED).forEach(out::println);
            throw e;
        }
    }

    /**
     * Goes on with the interrupted sweep in {@code dir}: finished points are read, not trained again; a point
     * with an epoch checkpoint trains on from it; a search takes up its decisions from what its trials reached.
     * The sweep's record and its points' records are the same as before the interruption.
     *
     * @return the exit code, as {@link #call}'s
     */
    public int resume(Path dir) throws Exception {
        RunFolder folder = RunFolder.existing(dir);
        if (Files.exists(folder.path("sweep.json"))) {
            throw new SpecException(new SpecProblem(dir.toString(), "", "this sweep finished; there is nothing to resume",
                    "its table is " + folder.path("sweep.md")));
        }
        SavedSweep saved = SavedSweep.read(folder.dir());
        ResolvedSpec resolved = saved.sweep().resolved(loader.mapper());
        List<ResolvedSpec> specs = new ArrayList<>();
        for (SweepJob job : saved.points()) {
            specs.add(job.run().resolved(loader.mapper()));
        }
        RunTrackers parent = registry.trackers(resolved);
        try (SweepExecutor.Session session = registry.executor(resolved).open(specs, invocation)) {
            printHeader(resolved.spec().sweep(), saved.points().stream().map(SweepJob::point).toList(), session,
                    "resuming sweep", folder);
            parent.start(description(resolved, folder, saved.startedMillis()), Map.of(), saved.parentRunIds())
                    .forEach(invocation.out()::println);
            try {
                return runPoints(resolved, saved.sweep().command(), saved.points(), true, session, folder, parent);
            } catch (Exception | Error e) {
                parent.finish(RunStatus.FAILED).forEach(invocation.out()::println);
                throw e;
            }
        }
    }

    private void printHeader(SweepSpec sweep, List<SweepPoint> points, SweepExecutor.Session session, String what,
                             RunFolder folder) {
        invocation.out().printf("%s: %d points over %s, sorted by %s; %s executor, %d at once; folder %s%n", what,
                points.size(), List.copyOf(points.get(0).values().keySet()), sweep.metric(), sweep.executor(),
                session.slots(), folder.dir());
        if (sweep.search() == SweepSpec.Search.ASHA) {
            invocation.out().printf("asha: points compared on %s after epochs %s; a point goes on while in the top 1/%d"
                    + " of those that reached the same epoch; each trains at most %d epochs (training.epochs)%n",
                    sweep.metric(), sweep.asha().rungs(), sweep.asha().reduction(), sweep.asha().lastRung());
        }
    }

    private RunTracker.RunDescription description(ResolvedSpec resolved, RunFolder folder, long startedMillis) {
        ExperimentSpec spec = resolved.spec();
        // A spec named for its sweep (sweep-dense) is not called a sweep twice.
        String runName = spec.name() + (spec.name().contains("sweep") ? "-" : "-sweep-") + folder.dir().getFileName();
        return new RunTracker.RunDescription(spec.name(), runName, resolved.file().toString(), null, null, null,
                sweepParams(spec.sweep()), Map.of("fmnist.sweep", "true", "fmnist.run_folder",
                folder.dir().toAbsolutePath().toString()), List.of(), startedMillis, null);
    }

    /** Runs the points (or, resumed, what is left of them), then labels a search's trials and writes the table. */
    private int runPoints(ResolvedSpec resolved, List<String> command, List<SweepJob> jobs, boolean resumed,
                          SweepExecutor.Session session, RunFolder folder, RunTrackers parent) throws Exception {
        SweepSpec sweep = resolved.spec().sweep();
        List<PointOutcome> outcomes;
        // Ctrl-C while the points run marks the sweep's records KILLED; each point's run marks its own.
        try (OnShutdown onInterrupt = new OnShutdown(() -> parent.finish(RunStatus.KILLED).forEach(invocation.out()::println))) {
            outcomes = sweep.search() == SweepSpec.Search.ASHA
                    ? new AshaSearch(session, sweep.asha(), sweep.metric(), invocation.out()).run(jobs, resumed)
                    : resumed ? whatIsLeft(session, jobs) : session.runAll(jobs);
        }
        if (sweep.search() == SweepSpec.Search.ASHA) {
            labelTrials(jobs, outcomes);
        }
        List<String> keys = List.copyOf(jobs.get(0).point().values().keySet());
        return finish(resolved, command, outcomes, keys, sweep, folder, parent);
    }

    /** The outcomes of an interrupted sweep's points: those that finished as they are, the others run on. */
    private static List<PointOutcome> whatIsLeft(SweepExecutor.Session session, List<SweepJob> jobs) throws IOException {
        Map<Integer, PointOutcome> outcomes = new TreeMap<>();
        List<SweepJob> left = new ArrayList<>();
        for (SweepJob job : jobs) {
            if (Files.isRegularFile(job.run().runFolder().resolve("metrics.json"))) {
                outcomes.put(job.point().index(), PointOutcome.read(job));
            } else {
                left.add(job.continued());
            }
        }
        session.runAll(left).forEach(o -> outcomes.put(o.point().index(), o));
        return List.copyOf(outcomes.values());
    }

    /**
     * Where each trial of a successive-halving search ended, as labels of its records: {@code fmnist.search.status}
     * {@code finished}, or {@code stopped} with the epoch it stopped after ({@code fmnist.search.epochs}). A
     * tracker that cannot take them is said, and the search's results stand.
     */
    private void labelTrials(List<SweepJob> jobs, List<PointOutcome> outcomes) {
        for (int i = 0; i < outcomes.size(); i++) {
            PointOutcome o = outcomes.get(i);
            if (o.failed()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("fmnist.search.status", o.paused() ? "stopped" : "finished");
            if (o.paused()) {
                labels.put("fmnist.search.epochs", Integer.toString(o.pausedAfter()));
            }
            try {
                recorder.label(jobs.get(i).run(), o.folder(), labels);
            } catch (IOException | RuntimeException e) {
                invocation.err().println("warning: point " + o.point().index() + "'s record did not take its search status "
                        + labels + ": " + e.getMessage());
            }
        }
    }

    /**
     * {@code sweep}'s spec at point {@code p}: the same layers with the point's values on top, and no grid. A
     * successive-halving trial trains at most the last rung's epochs.
     */
    public static ResolvedSpec point(ResolvedSpec sweep, SweepPoint p, Map<String, String> environment) {
        List<String> overrides = new ArrayList<>(sweep.overrides());
        overrides.addAll(p.overrides());
        SweepSpec search = sweep.spec().sweep();
        if (search.search() == SweepSpec.Search.ASHA) {
            overrides.add("training.epochs=" + search.asha().lastRung());
        }
        ResolvedSpec r = new SpecLoader().load(sweep.file(), overrides, environment);
        return new ResolvedSpec(r.spec().asSweepPoint(), r.file(), r.overrides(), r.environment(), r.sources());
    }

    /**
     * The sweep's table and its records. The table is written first, from the points that finished, so
     * that nothing after it (a tracker that fails) can lose them; such a failure is one line and exit 1.
     */
    private int finish(ResolvedSpec resolved, List<String> command, List<PointOutcome> outcomes, List<String> keys,
                       SweepSpec sweep, RunFolder folder, RunTrackers parent) throws Exception {
        PrintStream out = invocation.out();
        List<PointOutcome> ranked = SweepTable.ranked(outcomes, sweep.metric());
        long failed = ranked.stream().filter(PointOutcome::failed).count();
        long stopped = ranked.stream().filter(PointOutcome::paused).count();
        String table = SweepTable.markdown(keys, ranked, sweep.metric(), folder.dir());
        folder.writeText("sweep.md", "# Sweep " + resolved.spec().name() + "\n\n```\n" + ShellCommand.of(command)
                + "\n```\n\nPoints sorted by " + sweep.metric() + ", best first" + (stopped == 0 ? ""
                : "; then the points the search stopped early, by the epoch they stopped after and the metric there")
                + ".\n\n" + table);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PointOutcome o : ranked) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("point", o.point().index());
            row.put("values", o.point().values());
            row.put("folder", o.folder() == null ? null : folder.dir().relativize(o.folder()).toString());
            row.put("failure", o.failure());
            if (o.paused()) {
                row.put("stopped_after_epoch", o.pausedAfter());
            }
            row.put("metrics", new TreeMap<>(o.metrics()));
            rows.add(row);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("metric", sweep.metric());
        document.put("points", rows);
        folder.writeBytes("sweep.json", json.writeValueAsBytes(document));
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
        summary.put("points_finished", (double) (ranked.size() - failed - stopped));
        summary.put("points_failed", (double) failed);
        if (sweep.search() == SweepSpec.Search.ASHA) {
            summary.put("points_stopped", (double) stopped);
        }
        out.printf("sweep done: %d of %d points finished%s; table in %s%n", ranked.size() - failed - stopped, ranked.size(),
                stopped > 0 ? ", " + stopped + " stopped early by the search" : "", folder.path("sweep.md"));
        try {
            parent.logMetrics(summary, 0);
            parent.logArtifacts(folder.dir(), Map.of());
        } catch (RuntimeException e) {
            // The points are recorded and the table written: say so, and still end the sweep's record.
            invocation.err().println("error: the sweep's points are done and its table written in " + folder.path("sweep.md")
                    + ", but its own record did not take its summary: " + e.getMessage()
                    + ". Fix: check the tracking store; the points' runs are recorded in it and their folders are in "
                    + folder.dir());
            parent.finish(RunStatus.FAILED).forEach(out::println);
            return ExitCode.FAILED;
        }
        // Points that failed because Ctrl-C stopped them leave the sweep KILLED, as its hook marks it.
        parent.finish(OnShutdown.inProgress() ? RunStatus.KILLED : failed == ranked.size() ? RunStatus.FAILED
                : RunStatus.FINISHED).forEach(out::println);
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    private static Map<String, String> sweepParams(SweepSpec sweep) {
        Map<String, String> params = new LinkedHashMap<>();
        sweep.grid().forEach((k, v) -> params.put("sweep.grid." + k, String.join(", ", v)));
        sweep.space().forEach((k, d) -> params.put("sweep.space." + k, d.toString()));
        params.put("sweep.search", sweep.search().name().toLowerCase(java.util.Locale.ROOT));
        if (sweep.search() != SweepSpec.Search.GRID) {
            params.put("sweep.trials", Integer.toString(sweep.trials()));
        }
        if (sweep.search() == SweepSpec.Search.ASHA) {
            params.put("sweep.asha.rungs", sweep.asha().rungs().toString());
            params.put("sweep.asha.reduction", Integer.toString(sweep.asha().reduction()));
        }
        params.put("sweep.metric", sweep.metric());
        params.put("sweep.executor", sweep.executor());
        params.put("sweep.parallel", Integer.toString(sweep.parallel()));
        return params;
    }
}
