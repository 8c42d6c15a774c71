package org.fmnist.runner;

import com.google.inject.Module;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.fmnist.core.plugin.Invocation;

/** Runs the command line in-process for tests in any package, capturing what it prints. */
public final class RunnerMainAccess {
    private RunnerMainAccess() {}

    /** What a runner invocation returned and printed. */
    public record Outcome(int exit, String out, String err) {}

    public static Outcome run(Map<String, String> env, String... args) {
        return runWith(env, new Module[0], args);
    }

    /** The registry every command of a runner started with {@code env} sees. */
    public static Registry registry(Map<String, String> env) {
        return injector(env).getInstance(Registry.class);
    }

    /** The command line a runner started with no environment parses: its own commands and the plugins'. */
    public static picocli.CommandLine commandLine() {
        return RunnerMain.commandLine(injector(Map.of()));
    }

    private static com.google.inject.Injector injector(Map<String, String> env) {
        Invocation invocation = new Invocation(System.out, System.err, false, env, java.time.Clock.systemDefaultZone());
        return RunnerMain.injector(invocation, NativeMemoryGuard.unchanged());
    }

    /** @param extensions further Guice modules, e.g. a test's own model registrations */
    public static Outcome runWith(Map<String, String> env, Module[] extensions, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RunnerMain.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, extensions);
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
