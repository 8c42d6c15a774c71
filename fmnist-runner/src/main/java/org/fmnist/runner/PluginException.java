package org.fmnist.runner;

/**
 * A plugin that cannot be used: its module fails to load, a class it needs is missing, or it
 * registers a name another module has. The message names the jar and the fix; the runner prints it
 * and exits with 2, since the remedy is the user's (fix or remove the jar), not a retry.
 */
public final class PluginException extends RuntimeException {
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
