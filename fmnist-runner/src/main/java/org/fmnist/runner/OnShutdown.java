package org.fmnist.runner;

/**
 * While open, runs {@code action} if the JVM shuts down, as Ctrl-C makes it do: a run marks its
 * tracked records KILLED, a Spark sweep cancels its points. Closing it removes the hook.
 */
public final class OnShutdown implements AutoCloseable {
    private final Thread hook;

    public OnShutdown(Runnable action) {
        hook = new Thread(action);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Whether the JVM is shutting down (Ctrl-C): what fails then fails because the shutdown stopped it, and
     * is recorded KILLED, not FAILED. The JVM refuses new hooks from the moment it begins to shut down,
     * before any hook runs.
     */
    public static boolean inProgress() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
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
