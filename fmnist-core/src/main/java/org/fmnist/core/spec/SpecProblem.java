package org.fmnist.core.spec;

/**
 * One thing wrong with a spec.
 *
 * @param source where the offending value came from: the spec file, an environment variable, a
 *     command-line override or the built-in defaults
 * @param key dotted key, e.g. {@code training.epochs}; empty for problems with the whole file
 * @param problem what is wrong
 * @param fix what to write instead
 */
public record SpecProblem(String source, String key, String problem, String fix) {
    @Override
    public String toString() {
        return source + (key.isEmpty() ? "" : ": " + key) + ": " + problem + "\n      fix: " + fix;
    }
}
