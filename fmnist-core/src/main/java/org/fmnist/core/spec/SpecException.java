package org.fmnist.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot be run; lists every problem found, each with its fix. */
public class SpecException extends RuntimeException {
    private final List<SpecProblem> problems;

    public SpecException(List<SpecProblem> problems) {
        super(problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n",
                "The experiment spec has " + (problems.size() == 1 ? "a problem" : problems.size() + " problems") + ":\n", "")));
        this.problems = List.copyOf(problems);
    }

    public SpecException(SpecProblem problem) {
        this(List.of(problem));
    }

    public List<SpecProblem> problems() {
        return problems;
    }
}
