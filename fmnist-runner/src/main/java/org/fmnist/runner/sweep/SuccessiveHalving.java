package org.fmnist.runner.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decisions of asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020): whenever a slot is free, promote a trial that is in the top
 * {@code 1/η} of those that reached its rung so far, the highest rung first, else start the next trial.
 * No slot waits for a rung to fill. Which trials it promotes depends only on the results it was given and
 * their order; it knows nothing of how or where trials train.
 */
final class SuccessiveHalving {
    /** What a free slot does next: train {@code trial} up to rung {@code rung} (rung 0 starts it). */
    record Step(int trial, int rung) {}

    private final int rungs;
    private final int reduction;
    private final int trials;
    private final boolean lowerIsBetter;
    /** For each rung, the trials that reached it and their metric there, in the order they arrived. */
    private final List<Map<Integer, Double>> reached = new ArrayList<>();
    /** For each rung, the trials promoted out of it. */
    private final List<Set<Integer>> promoted = new ArrayList<>();
    private int started;

    /**
     * @param rungs how many rungs there are
     * @param reduction η
     * @param trials trials 1 to {@code trials} are started in that order
     * @param lowerIsBetter whether a smaller metric is better (a loss)
     */
    SuccessiveHalving(int rungs, int reduction, int trials, boolean lowerIsBetter) {
        this.rungs = rungs;
        this.reduction = reduction;
        this.trials = trials;
        this.lowerIsBetter = lowerIsBetter;
        for (int r = 0; r < rungs; r++) {
            reached.add(new LinkedHashMap<>());
            promoted.add(new HashSet<>());
        }
    }

    /** What a free slot does next; empty when nothing can start until a running trial reports, or ever. */
    Optional<Step> next() {
        for (int rung = rungs - 2; rung >= 0; rung--) {
            List<Integer> ranked = ranked(rung);
            int top = ranked.size() / reduction;
            for (int trial : ranked.subList(0, top)) {
                if (promoted.get(rung).add(trial)) {
                    return Optional.of(new Step(trial, rung + 1));
                }
            }
        }
        if (started < trials) {
            started++;
            return Optional.of(new Step(started, 0));
        }
        return Optional.empty();
    }

    /** {@code trial} reached {@code rung} with {@code metric} there (NaN, a diverged trial, ranks last). */
    void reached(int trial, int rung, double metric) {
        reached.get(rung).put(trial, metric);
    }

    /** An interrupted search's trial had gone on past {@code rung}: it is not promoted out of it again. */
    void promotedOutOf(int trial, int rung) {
        promoted.get(rung).add(trial);
    }

    /** An interrupted search had started trials 1 to {@code trial}: the next start is the one after. */
    void startedUpTo(int trial) {
        started = Math.max(started, trial);
    }

    /** The trials that reached {@code rung}, best first; ties go to the trial started first. */
    List<Integer> ranked(int rung) {
        Comparator<Map.Entry<Integer, Double>> byMetric = Comparator.comparing(e -> Double.isNaN(e.getValue()));
        byMetric = byMetric.thenComparing(e -> lowerIsBetter ? e.getValue() : -e.getValue());
        return reached.get(rung).entrySet().stream().sorted(byMetric.thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).toList();
    }
}
