package org.fmnist.core.plugin;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What one start of the runner was given: where to print, whether that is a terminal, the
 * environment and the clock. Bound once in the injector; a test passes its own.
 *
 * @param terminal whether {@code out} is a terminal (progress bars redraw only there)
 */
public record Invocation(PrintStream out, PrintStream err, boolean terminal, Map<String, String> environment,
                         Clock clock) {

    public Invocation {
        environment = Map.copyOf(environment);
    }

    /** The same invocation printing to {@code console} instead, e.g. a sweep point's prefixed lines. */
    public Invocation printingTo(PrintStream console, boolean isTerminal) {
        return new Invocation(console, err, isTerminal, environment, clock);
    }
}
