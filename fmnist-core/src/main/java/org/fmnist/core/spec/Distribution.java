package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a random search draws one key's values from: exactly one of a list of choices, a uniform or
 * log-uniform range of numbers, or a range of whole numbers.
 */
public record Distribution(
        @JsonPropertyDescription("Values drawn with equal chance, e.g. [relu, tanh].")
        List<String> choice,
        @JsonPropertyDescription("Numbers drawn evenly from [lo, hi], e.g. [0.1, 0.5].")
        List<Double> uniform,
        @JsonPropertyDescription("Numbers whose logarithm is drawn evenly from [lo, hi], 0 < lo, e.g. [0.0001, 0.01].")
        List<Double> loguniform,
        @JsonProperty("int")
        @JsonPropertyDescription("Whole numbers drawn evenly from lo to hi, both included, e.g. [16, 128].")
        List<Integer> integer) {

    public Distribution {
        choice = choice == null ? null : choice.stream().map(SweepSpec::asWritten).toList();
        long given = Stream.of(choice, uniform, loguniform, integer).filter(d -> d != null).count();
        ParameterChecks checks = ParameterChecks.of()
                .require(given == 1, "", given == 0 ? "no known distribution" : given + " distributions",
                        "must be one of choice: [...], uniform: [lo, hi], loguniform: [lo, hi] or int: [lo, hi]");
        if (choice != null) {
            checks.require(!choice.isEmpty(), "choice", choice, "must list at least one value");
        }
        range(checks, "uniform", uniform, false);
        range(checks, "loguniform", loguniform, true);
        if (integer != null) {
            checks.require(integer.size() == 2 && integer.get(0) <= integer.get(1), "int", integer,
                    "must be [lo, hi] with lo at most hi");
        }
        checks.done();
    }

    private static void range(ParameterChecks checks, String name, List<Double> range, boolean positive) {
        if (range != null) {
            checks.require(range.size() == 2 && range.get(0) < range.get(1) && (!positive || range.get(0) > 0), name, range,
                    "must be [lo, hi] with lo below hi" + (positive ? " and above 0" : ""));
        }
    }

    /** {@code loguniform [0.0001, 0.01]}, as the sweep's record shows it. */
    @Override
    public String toString() {
        return choice != null ? "choice " + choice : uniform != null ? "uniform " + uniform
                : loguniform != null ? "loguniform " + loguniform : "int " + integer;
    }
}
