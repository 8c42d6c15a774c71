package org.fmnist.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The way a parameter record (a model's or an augmentation's keys) rejects values: its compact
 * constructor states every rule, then {@link #done()} throws one {@link InvalidParameters} naming
 * each key that broke one. fmnist reports each as a spec problem, all at once, with the file, variable
 * or command line the value came from, and the fix; never as a Java message.
 *
 * <pre>{@code
 * public Parameters {
 *     hidden = hidden == null ? 32 : hidden;
 *     ParameterChecks.of()
 *             .require(hidden >= 1, "hidden", hidden, "must be at least 1")
 *             .require(dropout >= 0 && dropout < 1, "dropout", dropout, "is a chance to drop: from 0 to below 1")
 *             .done();
 * }
 * }</pre>
 *
 * A record that throws a plain {@link IllegalArgumentException} instead is reported too, with its message,
 * but under the whole section rather than the key.
 */
public final class ParameterChecks {
    private final List<Violation> violations = new ArrayList<>();

    private ParameterChecks() {}

    public static ParameterChecks of() {
        return new ParameterChecks();
    }

    /**
     * @param key the key as the spec writes it, e.g. {@code dropout} or {@code min_area}
     * @param rule what the value must be, in words, e.g. "must be at least 1"
     */
    public ParameterChecks require(boolean holds, String key, Object value, String rule) {
        if (!holds) {
            violations.add(new Violation(key, value, rule));
        }
        return this;
    }

    /** @throws InvalidParameters when any rule was broken, naming them all */
    public void done() {
        if (!violations.isEmpty()) {
            throw new InvalidParameters(violations);
        }
    }

    /** A key whose value broke its rule. */
    public record Violation(String key, Object value, String rule) {}

    /** Every broken rule of one parameter record. */
    public static final class InvalidParameters extends IllegalArgumentException {
        private final transient List<Violation> violations;

        InvalidParameters(List<Violation> violations) {
            super(violations.stream().map(v -> v.key() + " is " + v.value() + "; it " + v.rule())
                    .collect(Collectors.joining("; ")));
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }
}
