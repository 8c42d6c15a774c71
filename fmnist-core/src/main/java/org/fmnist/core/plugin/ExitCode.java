package org.fmnist.core.plugin;

/**
 * The exit codes of {@code ./runner}, which every command returns, a plugin's too: 0 success, 1 a
 * failure (a run, a server, a disk), 2 bad input (a spec, an argument, a plugin), whose message says
 * the fix.
 */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private ExitCode() {}
}
