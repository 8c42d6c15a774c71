package org.fmnist.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot be run; lists every problem found, each with its fix. */
public class SpecException extends RuntimeException {
    private final List<SpecProblem> problems;

    public SpecException(List<SpecProblem> problems) {
        super(describe("The experiment spec has", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems under a heading that names what has them, e.g. "runner ensemble: the runs given have". */
    public String describe(String subject) {
        return describe(subject, problems);
    }

    private static String describe(String subject, List<SpecProblem> problems) {
        return problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n",
                subject + " " + (problems.size() == 1 ? "a problem" : problems.size() + " problems") + ":\n", ""));
    }

    public SpecException(SpecProblem problem) {
        this(List.of(problem));
    }

    public List<SpecProblem> problems() {
        return problems;
    }
}
