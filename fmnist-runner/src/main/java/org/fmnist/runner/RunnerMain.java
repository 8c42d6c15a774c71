package org.fmnist.runner;

import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.fmnist.core.data.DataException;
import org.fmnist.core.plugin.CommandRegistry;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.tracking.TrackingException;
import org.fmnist.runner.cli.GuiceCommandFactory;
import org.fmnist.runner.cli.RunCommand;
import picocli.CommandLine;

/**
 * Entry point of {@code ./runner}: builds the one injector from every plugin module on the
 * classpath, then lets picocli run the command. Exit codes: 0 done, 2 bad input (spec, data,
 * arguments, plugins), 1 failure.
 */
public final class RunnerMain {
    /** The commands whose input is a spec (or a job holding one): their problems are the spec's. */
    private static final java.util.Set<String> READS_A_SPEC = java.util.Set.of("runner", "bench", "job");

    private RunnerMain() {}

    public static void main(String[] args) {
        // The runner script names the plugins folder it put on the class path; its jars are checked first.
        String plugins = System.getProperty(PluginJars.FOLDER_PROPERTY);
        System.exit(execute(NativeMemoryGuard.forThisProcess(), plugins == null ? null : Path.of(plugins), args, System.out,
                System.err, System.getenv()));
    }

    /**
     * Runs the command line in this JVM and returns its exit code; tests call this.
     *
     * @param extensions further Guice modules, e.g. a test's own model registrations
     */
    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment,
                       Module... extensions) {
        return execute(NativeMemoryGuard.unchanged(), null, args, out, err, environment, extensions);
    }

    /** @param pluginFolder the plugins folder on the class path, whose jars are checked first; null for none */
    private static int execute(NativeMemoryGuard memoryGuard, Path pluginFolder, String[] args, PrintStream out, PrintStream err,
                               Map<String, String> environment, Module... extensions) {
        Invocation invocation = new Invocation(out, err, System.console() != null, environment, Clock.systemDefaultZone());
        CommandLine cli;
        try {
            if (pluginFolder != null) {
                PluginJars.check(pluginFolder, Thread.currentThread().getContextClassLoader());
            }
            cli = commandLine(injector(invocation, memoryGuard, extensions));
        } catch (PluginException e) {
            err.println(e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        // Set after the plugins' commands joined: picocli hands these down only to the subcommands it holds.
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof SpecException spec && !READS_A_SPEC.contains(line.getCommandName())) {
                // A run folder, a model, an option: worded for the command at hand, not as a spec's problem.
                err.println(spec.describe("runner " + line.getCommandName() + ": the input has"));
                return ExitCode.BAD_INPUT;
            }
            if (e instanceof SpecException || e instanceof DataException || e instanceof PluginException
                    || e instanceof TrackingException t && !t.isTransient()) {
                err.println(e.getMessage());
                return ExitCode.BAD_INPUT;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException || e instanceof TrackingException) {
                err.println("error: " + e.getMessage());
                return ExitCode.FAILED;
            }
            err.println("error: the run failed: " + e);
            e.printStackTrace(err);
            return ExitCode.FAILED;
        });
        return cli.execute(args);
    }

    /**
     * The runner's commands and those plugins add (fmnist-mlflow's ui, sync, register), each made through
     * {@code injector}.
     *
     * @throws PluginException when a plugin's command takes a name another command has
     */
    static CommandLine commandLine(Injector injector) {
        GuiceCommandFactory factory = new GuiceCommandFactory(injector);
        CommandLine cli = new CommandLine(RunCommand.class, factory);
        for (Class<?> command : CommandRegistry.registered(injector)) {
            try {
                cli.addSubcommand(new CommandLine(command, factory));
            } catch (CommandLine.InitializationException e) {
                throw new PluginException("The plugin command " + command.getName() + " cannot join ./runner's: "
                        + e.getMessage() + ". Fix: give it a @Command name no other command has.", e);
            }
        }
        return cli;
    }

    /** The runner's one injector: every plugin module on the classpath, the invocation, and {@code extensions}. */
    public static Injector injector(Invocation invocation, NativeMemoryGuard memoryGuard, Module... extensions) {
        Module[] fixed = new Module[extensions.length + 1];
        fixed[0] = new RunnerModule(invocation, memoryGuard);
        System.arraycopy(extensions, 0, fixed, 1, extensions.length);
        PluginModules plugins = PluginModules.on(Thread.currentThread().getContextClassLoader());
        Injector injector = plugins.injector(fixed);
        // Every model, augmentation and tracker is made now, so a broken plugin fails here with its name.
        plugins.create(injector, Registry.class);
        return injector;
    }
}
