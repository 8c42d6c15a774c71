package org.fmnist.runner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.Distribution;
import org.fmnist.core.spec.SweepSpec;
import org.fmnist.runner.job.JobRunner;
import org.fmnist.runner.job.RunJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepPointsAndTableTest {

    @Test
    void theGridIsEveryCombinationTheLastKeyFastest() {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        grid.put("model.hidden", List.of("32", "64", "128"));
        grid.put("training.learning_rate", List.of("0.001", "0.0003"));

        List<SweepPoint> points = SweepPoint.grid(grid);

        assertEquals(6, points.size());
        assertEquals(List.of("model.hidden=32", "training.learning_rate=0.001"), points.get(0).overrides());
        assertEquals(List.of("model.hidden=32", "training.learning_rate=0.0003"), points.get(1).overrides());
        assertEquals("model.hidden=128 training.learning_rate=0.0003", points.get(5).label());
        assertEquals("point-06", points.get(5).folderName());
        assertEquals(List.of(), SweepPoint.grid(Map.of()).get(0).overrides(), "no grid: one point, the spec itself");
    }

    private static SweepSpec random(Map<String, Distribution> space, Map<String, List<String>> grid, int trials, Long seed) {
        return new SweepSpec(grid, space, SweepSpec.Search.RANDOM, trials, seed, "val_accuracy", "local", 1, null, null);
    }

    private static Map<String, Distribution> space() {
        Map<String, Distribution> space = new LinkedHashMap<>();
        space.put("training.learning_rate", new Distribution(null, null, List.of(1e-4, 1e-2), null));
        space.put("model.dropout", new Distribution(null, List.of(0.1, 0.5), null, null));
        space.put("model.hidden", new Distribution(null, null, null, List.of(16, 18)));
        space.put("model.activation", new Distribution(List.of("relu", "tanh"), null, null, null));
        return space;
    }

    @Test
    void aRandomSearchDrawsTheSameTrialsForTheSameSeedEachInItsRange() {
        List<SweepPoint> trials = SweepPoint.of(random(space(), Map.of("training.batch_size", List.of("32", "64")), 400, null), 42);

        assertEquals(400, trials.size());
        assertEquals(trials, SweepPoint.of(random(space(), Map.of("training.batch_size", List.of("32", "64")), 400, null), 42),
                "the spec's seed draws the same trials every time");
        assertEquals(trials, SweepPoint.of(random(space(), Map.of("training.batch_size", List.of("32", "64")), 400, 42L), 7),
                "sweep.seed, when given, is the seed");
        assertNotEquals(trials, SweepPoint.of(random(space(), Map.of("training.batch_size", List.of("32", "64")), 400, null), 43));
        assertEquals(List.of("training.batch_size", "training.learning_rate", "model.dropout", "model.hidden", "model.activation"),
                List.copyOf(trials.get(0).values().keySet()), "the grid's keys, then the space's, in their order");
        Set<String> hidden = new HashSet<>();
        Set<String> activations = new HashSet<>();
        Set<String> batches = new HashSet<>();
        int belowOneThousandth = 0;
        for (SweepPoint t : trials) {
            double lr = Double.parseDouble(t.values().get("training.learning_rate"));
            double dropout = Double.parseDouble(t.values().get("model.dropout"));
            assertTrue(lr >= 1e-4 && lr <= 1e-2 && dropout >= 0.1 && dropout <= 0.5, t.label());
            assertFalse(t.values().get("training.learning_rate").contains("E"), "written as a spec writes it: " + t.label());
            belowOneThousandth += lr < 1e-3 ? 1 : 0;
            hidden.add(t.values().get("model.hidden"));
            activations.add(t.values().get("model.activation"));
            batches.add(t.values().get("training.batch_size"));
        }
        assertEquals(Set.of("16", "17", "18"), hidden, "int: both ends included");
        assertEquals(Set.of("relu", "tanh"), activations);
        assertEquals(Set.of("32", "64"), batches, "the grid's lists are drawn from too");
        // Log-uniform on [1e-4, 1e-2]: half the draws below 1e-3 (binomial, 400 draws: 200 +- 10 at one sigma; 6 sigma here).
        assertTrue(Math.abs(belowOneThousandth - 200) <= 60, "log-uniform, not uniform: " + belowOneThousandth + " of 400 below 1e-3");
    }

    @Test
    void aGridSearchTakesTheSpacesChoicesAsLists() {
        Map<String, Distribution> space = Map.of("model.activation", new Distribution(List.of("relu", "tanh"), null, null, null));
        SweepSpec sweep = new SweepSpec(Map.of("model.hidden", List.of("8", "16")), space, SweepSpec.Search.GRID, 0, null,
                "val_accuracy", "local", 1, null, null);

        assertEquals(List.of("model.hidden=8 model.activation=relu", "model.hidden=8 model.activation=tanh",
                "model.hidden=16 model.activation=relu", "model.hidden=16 model.activation=tanh"),
                SweepPoint.of(sweep, 42).stream().map(SweepPoint::label).toList());
    }

    @Test
    void anAshaSearchOverTheGridStartsItsCombinationsInAnOrderShuffledWithTheSeed() {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        grid.put("model.hidden", List.of("8", "16", "24", "32"));
        grid.put("training.learning_rate", List.of("0.0003", "0.001", "0.003"));
        List<String> inGridOrder = SweepPoint.grid(grid).stream().map(SweepPoint::label).toList();

        List<SweepPoint> trials = SweepPoint.of(asha(grid, null), 42);

        assertEquals(Set.copyOf(inGridOrder), Set.copyOf(trials.stream().map(SweepPoint::label).toList()), "every combination once");
        assertEquals(inGridOrder.size(), trials.size());
        assertNotEquals(inGridOrder, trials.stream().map(SweepPoint::label).toList(), "not in grid order");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), trials.stream().map(SweepPoint::index).toList(),
                "numbered in the order they start");
        assertEquals(trials, SweepPoint.of(asha(grid, null), 42), "the same order every time");
        assertEquals(trials, SweepPoint.of(asha(grid, 42L), 7), "sweep.seed, when given, is the seed");
        assertNotEquals(trials, SweepPoint.of(asha(grid, null), 43));
        assertEquals(inGridOrder, SweepPoint.of(new SweepSpec(grid, Map.of(), SweepSpec.Search.GRID, 0, null, "val_accuracy",
                "local", 1, null, null), 42).stream().map(SweepPoint::label).toList(), "a grid sweep keeps grid order");
    }

    private static SweepSpec asha(Map<String, List<String>> grid, Long seed) {
        return new SweepSpec(grid, Map.of(), SweepSpec.Search.ASHA, 0, seed, "val_accuracy", "local", 1, null, null);
    }

    private static PointOutcome done(int index, double accuracy, double loss) {
        return new PointOutcome(new SweepPoint(index, Map.of("k", Integer.toString(index))), Path.of("/s/point-0" + index),
                Map.of("test_accuracy", accuracy, "test_loss", loss, "test_macro_f1", accuracy, SweepTable.SECONDS_PER_EPOCH, 2.0),
                null, null);
    }

    @Test
    void lossesSortAscendingEverythingElseDescendingFailuresLast() {
        PointOutcome failed = new PointOutcome(new SweepPoint(2, Map.of("k", "2")), null, Map.of(), "hidden must be at least 1", null);
        List<PointOutcome> outcomes = List.of(done(1, 0.80, 0.5), failed, done(3, 0.90, 0.6), done(4, 0.85, 0.4));

        assertEquals(List.of(3, 4, 1, 2), SweepTable.ranked(outcomes, "test_accuracy").stream().map(o -> o.point().index()).toList());
        assertEquals(List.of(4, 1, 3, 2), SweepTable.ranked(outcomes, "test_loss").stream().map(o -> o.point().index()).toList());

        String md = SweepTable.markdown(List.of("k"), SweepTable.ranked(outcomes, "test_loss"), "test_loss", Path.of("/s"));
        List<String> lines = md.lines().toList();
        assertEquals("| rank | point | k | test_loss | test_accuracy | test_macro_f1 | seconds_per_epoch | folder |", lines.get(0));
        assertEquals("| 1 | 4 | 4 | 0.4000 | 0.8500 | 0.8500 | 2.0 | point-04 |", lines.get(2));
        assertTrue(lines.get(5).startsWith("| – | 2 | 2 | failed: hidden must be at least 1 |"), lines.get(5));
    }

    @TempDir
    Path dir;

    /** A job whose run folder is {@code dir/point-0i}, as a sweep places it. */
    private SweepJob job(int i) {
        SweepPoint p = new SweepPoint(i, Map.of("k", Integer.toString(i)));
        RunJob run = new RunJob(JsonNodeFactory.instance.objectNode(), "spec.yaml", p.overrides(), Map.of(), Map.of(),
                List.of(), dir.resolve(p.folderName()).toString(), false, Map.of(), Map.of(), false, null);
        return new SweepJob(p, run, 6);
    }

    @Test
    void tiesAreBrokenByTheSameSplitsOtherMetricThenByPointOrder() {
        List<PointOutcome> outcomes = List.of(done(1, 0.85, 0.5), done(2, 0.85, 0.4), done(3, 0.85, 0.4), done(4, 0.80, 0.1));

        assertEquals(List.of(2, 3, 1, 4), SweepTable.ranked(outcomes, "test_accuracy").stream().map(o -> o.point().index()).toList(),
                "equal accuracies: the lower loss first, then the earlier point");
        assertEquals(List.of(4, 2, 3, 1), SweepTable.ranked(outcomes, "test_loss").stream().map(o -> o.point().index()).toList(),
                "equal losses: the higher accuracy first, then the earlier point");
    }

    @Test
    void theLocalExecutorRunsEveryJobKeepsOrderReadsOutcomesBackAndSurvivesAFailure() {
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<SweepJob> jobs = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            jobs.add(job(i));
        }
        // Stands in for training: writes the metrics.json a finished run leaves, with its summary. The
        // first two points wait for each other, so two run at once on any machine, not by chance.
        CyclicBarrier firstTwo = new CyclicBarrier(2);
        JobRunner fake = (job, invocation, alsoListening) -> {
            most.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            try {
                if (job.overrides().equals(List.of("k=1")) || job.overrides().equals(List.of("k=2"))) {
                    firstTwo.await(2, TimeUnit.MINUTES);
                }
                if (job.overrides().equals(List.of("k=3"))) {
                    throw new IllegalStateException("point three\n  broke");
                }
                Files.createDirectories(job.runFolder());
                double accuracy = 0.5 + job.overrides().get(0).charAt(2) / 1000.0;
                Files.writeString(job.runFolder().resolve("metrics.json"),
                        "{\"test\": {}, \"summary\": {\"test_accuracy\": " + accuracy + "}}");
            } finally {
                atOnce.decrementAndGet();
            }
        };
        Invocation invocation = new Invocation(System.out, System.err, false, Map.of(), Clock.systemUTC());

        List<PointOutcome> outcomes = new LocalSweepExecutor(() -> fake, 2).open(8, invocation).runAll(jobs);

        assertEquals(List.of(1, 2, 3, 4, 5, 6), outcomes.stream().map(o -> o.point().index()).toList());
        assertEquals("point three broke", outcomes.get(2).failure());
        assertEquals(0.5 + '6' / 1000.0, outcomes.get(5).metrics().get("test_accuracy"), 1e-12, "read from metrics.json");
        assertEquals(dir.resolve("point-06"), outcomes.get(5).folder());
        assertEquals(2, most.get(), "never more points at once than cores, however many the spec allows");
    }

    @Test
    void aJobThatLeftNoMetricsIsAFailedPoint() {
        PointOutcome o = PointOutcome.read(job(1));

        assertTrue(o.failed());
        assertTrue(o.failure().contains("no metrics.json"), o.failure());
    }
}
