package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Successive halving ({@code sweep.search: asha}): trials are compared at a few epoch counts, the rungs,
 * and only the best of those that reached a rung train on to the next.
 */
public record AshaSpec(
        @JsonPropertyDescription("Epochs at which trials are compared, increasing, e.g. [1, 3, 9]; a trial trains at most the last, which is its training.epochs, so its learning-rate schedule is an uninterrupted run's.")
        List<Integer> rungs,
        @JsonPropertyDescription("The reduction factor η: a trial that reaches a rung trains on only while it is in the top 1/η of the trials that reached that rung so far.")
        int reduction) {

    public AshaSpec {
        rungs = rungs == null ? List.of(1, 3, 9) : List.copyOf(rungs);
        boolean increasing = !rungs.isEmpty() && rungs.get(0) >= 1;
        for (int i = 1; i < rungs.size(); i++) {
            increasing &= rungs.get(i) > rungs.get(i - 1);
        }
        ParameterChecks.of()
                .require(increasing, "rungs", rungs, "must be increasing epoch counts from 1 up, e.g. [1, 3, 9]")
                .require(reduction >= 2, "reduction", reduction, "must be at least 2")
                .done();
    }

    /** The epochs a trial trains at most: the last rung. */
    public int lastRung() {
        return rungs.get(rungs.size() - 1);
    }
}
