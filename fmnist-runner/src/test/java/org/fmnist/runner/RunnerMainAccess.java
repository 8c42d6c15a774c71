package org.fmnist.runner;

import com.google.inject.Module;
import java.io.PrintStream;
import java.util.Map;

/** Lets tests in other packages run the command line in-process. */
public final class RunnerMainAccess {
    private RunnerMainAccess() {}

    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Module... extensions) {
        return RunnerMain.execute(args, out, err, env, extensions);
    }
}
