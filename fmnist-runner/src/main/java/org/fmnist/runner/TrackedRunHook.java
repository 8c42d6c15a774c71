package org.fmnist.runner;

import java.io.PrintStream;
import org.fmnist.runner.tracking.RunStatus;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * While open, Ctrl-C (which ends the JVM through its shutdown hooks) marks the tracked runs KILLED,
 * so the tracker never shows a run as running forever. Closing it removes the hook.
 */
final class TrackedRunHook implements AutoCloseable {
    private final Thread hook;

    TrackedRunHook(RunTrackers trackers, PrintStream out) {
        hook = new Thread(() -> trackers.finish(RunStatus.KILLED).forEach(out::println));
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Already shutting down: the hook is running or has run.
        }
    }
}
