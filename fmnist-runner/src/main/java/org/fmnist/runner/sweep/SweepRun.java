package org.fmnist.runner.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.PrintStream;
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
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * A sweep: the spec once for every point of its grid, each point a job recorded as a child run of
 * one parent run, then a table of all points, best first. A point
 * that fails is reported and the others go on. The sweep folder holds the points' run folders,
 * {@code sweep.md} and {@code sweep.json}.
 */
public final class SweepRun {
    private final Registry registry;
    private final Invocation invocation;
    private final SpecLoader loader = new SpecLoader();
    private final ObjectMapper json = JsonMapperFactory.create();

    @Inject
    SweepRun(Registry registry, Invocation invocation) {
        this.registry = registry;
        this.invocation = invocation;
    }

    /**
     * Runs every point of {@code resolved}'s grid as a job; returns the exit code: 0 when all points
     * finished, else 1.
     *
     * @param command the runner arguments that started the sweep, saved with it and its points
     */
    public int call(ResolvedSpec resolved, List<String> command) throws Exception {
        ExperimentSpec spec = resolved.spec();
        SweepSpec sweep = spec.sweep();
        SweepExecutor executor = registry.executor(resolved);
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
        RunTrackers parent = registry.trackers(resolved);
        List<SweepPoint> points = SweepPoint.of(sweep, spec.seed());
        // Every point's spec is resolved, and its model's and augmentations' keys bound, before any point
        // trains: bad values or keys the model lacks stop the sweep at once, exit 2, each problem once.
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
        try (SweepExecutor.Session session = executor.open(List.copyOf(specs.values()), invocation)) {
            return run(resolved, command, session, parent, points, specs);
        }
    }

    /** The sweep itself, once its executor is ready: its folder, its record, its points and its table. */
    private int run(ResolvedSpec resolved, List<String> command, SweepExecutor.Session session, RunTrackers parent,
                    List<SweepPoint> points, Map<Integer, ResolvedSpec> specs) throws Exception {
        ExperimentSpec spec = resolved.spec();
        SweepSpec sweep = spec.sweep();
        PrintStream out = invocation.out();
        Instant started = invocation.clock().instant();
        RunFolder folder = RunFolder.create(Path.of(spec.output().dir()), spec.name(),
                LocalDateTime.ofInstant(started, invocation.clock().getZone()));
        folder.writeText("spec.yaml", loader.mapper().write(spec));
        folder.writeText("command.txt", "./runner " + String.join(" ", command) + "\n");
        List<String> keys = List.copyOf(points.get(0).values().keySet());
        out.printf("sweep: %d points over %s, sorted by %s; %s executor%s; folder %s%n", points.size(), keys,
                sweep.metric(), sweep.executor(), sweep.executor().equals("local") ? ", " + sweep.parallel() + " at once" : "",
                folder.dir());

        // A spec named for its sweep (sweep-dense) is not called a sweep twice.
        String runName = spec.name() + (spec.name().contains("sweep") ? "-" : "-sweep-") + folder.dir().getFileName();
        parent.start(new RunTracker.RunDescription(spec.name(), runName, resolved.file().toString(), null, null, null,
                sweepParams(sweep), Map.of("fmnist.sweep", "true", "fmnist.run_folder", folder.dir().toAbsolutePath().toString()),
                List.of(), started.toEpochMilli(), null), Map.of(), Map.of()).forEach(out::println);
        try {
            List<SweepJob> jobs = new ArrayList<>();
            for (SweepPoint p : points) {
                List<String> pointCommand = new ArrayList<>(command);
                pointCommand.add("--point=" + p.index());
                jobs.add(new SweepJob(p, RunJob.of(specs.get(p.index()), loader.mapper(), pointCommand)
                        .in(folder.path(p.folderName()).toAbsolutePath())
                        .childOf(parent.runIds(), Map.of("fmnist.sweep_point", p.label()))));
            }
            List<PointOutcome> outcomes;
            // Ctrl-C while the points run marks the sweep's records KILLED; each point's run marks its own.
            try (OnShutdown onInterrupt = new OnShutdown(() -> parent.finish(RunStatus.KILLED).forEach(out::println))) {
                outcomes = session.runAll(jobs, sweep.parallel());
            }
            return finish(resolved, command, outcomes, keys, sweep, folder, parent);
        } catch (Exception | Error e) {
            parent.finish(RunStatus.FAILED).forEach(out::println);
            throw e;
        }
    }

    /** {@code sweep}'s spec at point {@code p}: the same layers with the point's values on top, and no grid. */
    public static ResolvedSpec point(ResolvedSpec sweep, SweepPoint p, Map<String, String> environment) {
        List<String> overrides = new ArrayList<>(sweep.overrides());
        overrides.addAll(p.overrides());
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
        String table = SweepTable.markdown(keys, ranked, sweep.metric(), folder.dir());
        folder.writeText("sweep.md", "# Sweep " + resolved.spec().name() + "\n\n```\n./runner "
                + String.join(" ", command) + "\n```\n\nPoints sorted by " + sweep.metric() + ", best first.\n\n" + table);
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
        summary.put("points_finished", (double) (ranked.size() - failed));
        summary.put("points_failed", (double) failed);
        out.printf("sweep done: %d of %d points finished; table in %s%n", ranked.size() - failed, ranked.size(),
                folder.path("sweep.md"));
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
        parent.finish(failed == ranked.size() ? RunStatus.FAILED : RunStatus.FINISHED).forEach(out::println);
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    private static Map<String, String> sweepParams(SweepSpec sweep) {
        Map<String, String> params = new LinkedHashMap<>();
        sweep.grid().forEach((k, v) -> params.put("sweep.grid." + k, String.join(", ", v)));
        sweep.space().forEach((k, d) -> params.put("sweep.space." + k, d.toString()));
        params.put("sweep.search", sweep.search().name().toLowerCase(java.util.Locale.ROOT));
        if (sweep.search() == SweepSpec.Search.RANDOM) {
            params.put("sweep.trials", Integer.toString(sweep.trials()));
        }
        params.put("sweep.metric", sweep.metric());
        params.put("sweep.executor", sweep.executor());
        params.put("sweep.parallel", Integer.toString(sweep.parallel()));
        return params;
    }
}
