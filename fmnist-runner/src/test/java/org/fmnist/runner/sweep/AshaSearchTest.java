package org.fmnist.runner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.fmnist.core.spec.AshaSpec;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.job.RunJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Successive halving's decisions, on a stand-in session whose trials report a fixed score at every rung. */
class AshaSearchTest {
    /** Trial i's validation accuracy at every rung. */
    private static final double[] SCORE = {0.5, 0.9, 0.6, 0.7, 0.95, 0.3, 0.8, 0.4, 0.85};

    /** What the session was asked: trial, the epoch it pauses after (0: to the end), whether it resumed. */
    private record Asked(int trial, int pauseAfter, boolean resumed) {}

    @TempDir
    Path dir;

    /**
     * Runs every job at once, in the order started, and says how each trial stands from {@code score}; a
     * paused trial leaves the marker of an epoch checkpoint, which its promotion resumes.
     */
    private static final class StandIn implements SweepExecutor.Session {
        final List<Asked> asked = new ArrayList<>();
        private final int slots;
        private final double[] score;

        StandIn(int slots, double[] score) {
            this.slots = slots;
            this.score = score;
        }

        @Override
        public int slots() {
            return slots;
        }

        @Override
        public CompletableFuture<PointOutcome> start(SweepJob job) {
            int trial = job.point().index();
            Integer pause = job.run().pauseAfterEpoch();
            asked.add(new Asked(trial, pause == null ? 0 : pause, job.run().resume()));
            if (Double.isInfinite(score[trial - 1])) {
                return CompletableFuture.completedFuture(PointOutcome.failed(job, "diverged"));
            }
            if (pause != null) {
                Path checkpoints = job.run().runFolder().resolve(ExperimentRun.CHECKPOINTS);
                try {
                    Files.createDirectories(checkpoints.resolve("epoch-" + pause));
                    Files.writeString(checkpoints.resolve("epoch-" + pause).resolve("state.json"), "{\"epoch\": " + pause + "}");
                    Files.writeString(checkpoints.resolve("latest"), "epoch-" + pause);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Map<String, Double> metrics = Map.of("val_accuracy", score[trial - 1]);
            return CompletableFuture.completedFuture(new PointOutcome(job.point(), job.run().runFolder(), metrics, null, pause));
        }
    }

    private List<SweepJob> trials(int n) {
        List<SweepJob> jobs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            SweepPoint p = new SweepPoint(i, Map.of("k", Integer.toString(i)));
            RunJob run = new RunJob(JsonNodeFactory.instance.objectNode(), "spec.yaml", p.overrides(), Map.of(), Map.of(),
                    List.of(), dir.resolve(p.folderName()).toString(), false, Map.of(), Map.of(), false, null);
            jobs.add(new SweepJob(p, run, n));
        }
        return jobs;
    }

    private List<PointOutcome> search(StandIn session, int trials, ByteArrayOutputStream console) throws Exception {
        return new AshaSearch(session, new AshaSpec(List.of(1, 3, 9), 3), "val_accuracy",
                new PrintStream(console, true, StandardCharsets.UTF_8)).run(trials(trials), false);
    }

    /**
     * With one slot the order is fixed: a trial goes on as soon as it is in the top third of those that reached
     * its rung, before any new trial starts; else the next trial starts, never waiting for a rung to fill.
     */
    @Test
    void aTrialGoesOnOnlyWhileInTheTopThirdOfItsRungAndResumesItsOwnFolder() throws Exception {
        StandIn session = new StandIn(1, SCORE);
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        List<PointOutcome> outcomes = search(session, 9, console);

        assertEquals(List.of(new Asked(1, 1, false), new Asked(2, 1, false), new Asked(3, 1, false),
                // three reached epoch 1: the best of them, trial 2, goes on
                new Asked(2, 3, true), new Asked(4, 1, false), new Asked(5, 1, false),
                // five reached epoch 1, the top one is still 1: trial 5 now leads, and goes on
                new Asked(5, 3, true), new Asked(6, 1, false), new Asked(7, 1, false), new Asked(8, 1, false),
                new Asked(9, 1, false),
                // nine reached epoch 1: the top three are 5, 2 and 9; three reached epoch 3, and 5 leads them
                new Asked(9, 3, true), new Asked(5, 0, true)), session.asked);
        Map<Integer, Integer> stoppedAfter = new TreeMap<>();
        outcomes.stream().filter(PointOutcome::paused).forEach(o -> stoppedAfter.put(o.point().index(), o.pausedAfter()));
        assertEquals(Map.of(1, 1, 2, 3, 3, 1, 4, 1, 6, 1, 7, 1, 8, 1, 9, 3), stoppedAfter);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), outcomes.stream().map(o -> o.point().index()).toList(),
                "every trial's last outcome, in trial order");
        assertTrue(console.toString(StandardCharsets.UTF_8).contains(
                "asha: point 5 goes on to epoch 9, in the top 1/3 of the 3 points that reached epoch 3"), console.toString());
    }

    /**
     * Three slots: three trials start at once, and each report frees a slot that takes the next decision at
     * once: a new trial while no rung has a promotable trial (asynchronous, no rung waits to fill).
     */
    @Test
    void withMoreSlotsEachReportIsDecidedOnAtOnceAndTheSameTrialWins() throws Exception {
        StandIn session = new StandIn(3, SCORE);

        List<PointOutcome> outcomes = search(session, 9, new ByteArrayOutputStream());

        assertEquals(List.of(new Asked(1, 1, false), new Asked(2, 1, false), new Asked(3, 1, false),
                // 1 reports: one at epoch 1, none to promote; 2 reports: two there, still none
                new Asked(4, 1, false), new Asked(5, 1, false),
                // 3 reports: the top third of three is trial 2
                new Asked(2, 3, true),
                // 4 reports: still only one promotable, already promoted; 5 reports: 5 leads, and goes on
                new Asked(6, 1, false), new Asked(5, 3, true),
                new Asked(7, 1, false), new Asked(8, 1, false), new Asked(9, 1, false), new Asked(9, 3, true),
                new Asked(5, 0, true)), session.asked);
        assertEquals(List.of(5), outcomes.stream().filter(o -> !o.paused()).map(o -> o.point().index()).toList());
    }

    @Test
    void aFailedTrialIsOutOfTheSearchAndTheOthersGoOn() throws Exception {
        double[] score = SCORE.clone();
        score[4] = Double.POSITIVE_INFINITY;
        StandIn session = new StandIn(1, score);

        List<PointOutcome> outcomes = search(session, 9, new ByteArrayOutputStream());

        assertTrue(outcomes.get(4).failed());
        assertEquals(1, session.asked.stream().filter(a -> a.trial() == 5).count(), "a failed trial is not tried again");
        assertEquals(1, outcomes.stream().filter(o -> !o.failed() && !o.paused()).count(), "one trial still trains to the end");
        assertEquals(2, outcomes.stream().filter(o -> !o.failed() && !o.paused()).findFirst().orElseThrow().point().index(),
                "the best of the rest");
    }
}
