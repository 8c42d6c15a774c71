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

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Already shutting down: the hook is running or has run.
        }
    }
}
