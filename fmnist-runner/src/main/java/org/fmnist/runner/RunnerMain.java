package org.fmnist.runner;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.fmnist.core.data.DataException;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.augment.AugmentModule;
import org.fmnist.captioning.CaptioningModule;
import org.fmnist.models.ModelsModule;
import org.fmnist.runner.tracking.TrackingException;
import org.fmnist.runner.tracking.TrackingModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Entry point of {@code ./runner}. Exit codes: 0 done, 2 bad input (spec, data, arguments), 1 failure. */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = RunnerMain.Version.class,
        description = {"Trains, evaluates and records a Fashion-MNIST experiment described by a YAML spec.", "",
                "Example: ./runner experiments/baseline.yaml training.epochs=3"},
        footer = {"", "Layers, lowest first: built-in defaults < SPEC < FMNIST_SECTION__KEY environment variables "
                + "< KEY=VALUE arguments.", "Exit codes: 0 done, 2 bad input, 1 failure."},
        subcommands = {KeysCommand.class, ModelsCommand.class, AugmentationsCommand.class, CompareCommand.class})
public final class RunnerMain implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "Experiment spec (YAML), e.g. experiments/baseline.yaml")
    Path spec;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of spec keys, e.g. training.epochs=3 model.hidden=64")
    List<String> overrides = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final List<Module> extensions;

    RunnerMain(PrintStream out, PrintStream err, Map<String, String> environment, List<Module> extensions) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.extensions = extensions;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, System.getenv()));
    }

    /**
     * Runs the command line in this JVM and returns its exit code; tests call this.
     *
     * @param extensions further Guice modules, e.g. a test's own model registrations
     */
    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment,
                       Module... extensions) {
        CommandLine cli = new CommandLine(new RunnerMain(out, err, environment, List.of(extensions)));
        cli.addSubcommand("sync", new SyncCommand(environment));
        cli.addSubcommand("predict", new PredictCommand(environment));
        cli.addSubcommand("bench-captions", new BenchCaptionsCommand(environment));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof SpecException || e instanceof DataException
                    || e instanceof TrackingException t && !t.isTransient()) {
                err.println(e.getMessage());
                return BAD_INPUT;
            }
            if (e instanceof UncheckedIOException || e instanceof TrackingException) {
                err.println("error: " + e.getMessage());
                return FAILED;
            }
            err.println("error: the run failed: " + e);
            e.printStackTrace(err);
            return FAILED;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (spec == null) {
            commandSpec.commandLine().usage(err);
            return BAD_INPUT;
        }
        ResolvedSpec resolved = new SpecLoader().load(spec, overrides, environment);
        List<String> command = new ArrayList<>();
        command.add(spec.toString());
        command.addAll(overrides);
        ExperimentModule.RunContext context = new ExperimentModule.RunContext(resolved, out, System.console() != null,
                environment, command, Clock.systemDefaultZone());
        List<Module> modules = new ArrayList<>(List.of(new ModelsModule(), new AugmentModule(), new TrackingModule(), new CaptioningModule(),
                new ExperimentModule(context)));
        modules.addAll(extensions);
        Injector injector = Guice.createInjector(modules);
        injector.getInstance(ExperimentRun.class).call();
        return OK;
    }

    /** The registered models, by name; the same map a run chooses from. */
    static Map<String, ModelFactory<?>> registeredModels() {
        return new TreeMap<>(Guice.createInjector(new ModelsModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory<?>>>() {})));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fmnist " + RunnerMain.class.getPackage().getImplementationVersion()};
        }
    }
}
