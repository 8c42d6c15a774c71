package org.fmnist.runner;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.fmnist.core.data.DataException;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.spec.SweepSpec;
import org.fmnist.augment.AugmentModule;
import org.fmnist.captioning.CaptioningModule;
import org.fmnist.models.ModelsModule;
import org.fmnist.runner.sweep.SweepModule;
import org.fmnist.runner.sweep.SweepPoint;
import org.fmnist.runner.tracking.TrackingException;
import org.fmnist.runner.tracking.TrackingModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Entry point of {@code ./runner}. Exit codes: 0 done, 2 bad input (spec, data, arguments), 1 failure. */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = RunnerMain.Version.class,
        description = {"Trains, evaluates and records a Fashion-MNIST experiment described by a YAML spec.", "",
                "Example: ./runner experiments/baseline.yaml training.epochs=3",
                "         ./runner experiments/baseline.yaml --sweep model.hidden=32,64,128"},
        footer = {"", "Layers, lowest first: built-in defaults < SPEC < FMNIST_SECTION__KEY environment variables "
                + "< KEY=VALUE arguments.", "Exit codes: 0 done, 2 bad input, 1 failure."},
        subcommands = {KeysCommand.class, ModelsCommand.class, AugmentationsCommand.class, CompareCommand.class})
public final class RunnerMain implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    /** The models' {@code MapBinder}, by {@code model.type}. */
    private static final Key<Map<String, ModelFactory<?>>> MODELS = Key.get(new TypeLiteral<>() {});

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "Experiment spec (YAML), e.g. experiments/baseline.yaml")
    Path spec;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of spec keys, e.g. training.epochs=3 model.hidden=64")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...",
            description = "Run the spec once for each value (and each combination with other --sweep options), "
                    + "as one sweep, e.g. --sweep model.hidden=32,64,128. Adds to the spec's sweep.grid.")
    List<String> sweep = new ArrayList<>();

    @Option(names = "--point", paramLabel = "N",
            description = "Run only point N (1-based, as the sweep's table numbers them) of the sweep, as a single run.")
    Integer point;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final List<Module> extensions;
    private final NativeMemoryGuard memoryGuard;

    RunnerMain(PrintStream out, PrintStream err, Map<String, String> environment, List<Module> extensions,
               NativeMemoryGuard memoryGuard) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.extensions = extensions;
        this.memoryGuard = memoryGuard;
    }

    public static void main(String[] args) {
        System.exit(execute(NativeMemoryGuard.forThisProcess(), args, System.out, System.err, System.getenv()));
    }

    /**
     * Runs the command line in this JVM and returns its exit code; tests call this.
     *
     * @param extensions further Guice modules, e.g. a test's own model registrations
     */
    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment,
                       Module... extensions) {
        return execute(NativeMemoryGuard.unchanged(), args, out, err, environment, extensions);
    }

    private static int execute(NativeMemoryGuard memoryGuard, String[] args, PrintStream out, PrintStream err,
                               Map<String, String> environment, Module... extensions) {
        CommandLine cli = new CommandLine(new RunnerMain(out, err, environment, List.of(extensions), memoryGuard));
        cli.addSubcommand("sync", new SyncCommand(environment));
        cli.addSubcommand("predict", new PredictCommand(environment));
        cli.addSubcommand("bench-captions", new BenchCaptionsCommand(environment));
        cli.addSubcommand("bench", new BenchCommand(environment, memoryGuard));
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
        ResolvedSpec resolved = withCommandLineSweep(new SpecLoader().load(spec, overrides, environment));
        List<String> command = new ArrayList<>();
        command.add(spec.toString());
        command.addAll(overrides);
        sweep.forEach(s -> command.add("--sweep=" + s));
        if (point != null) {
            command.add("--point=" + point);
            resolved = onePoint(resolved, point);
        }
        ExperimentModule.RunContext context = new ExperimentModule.RunContext(resolved, out, System.console() != null,
                environment, command, Clock.systemDefaultZone());
        if (!resolved.spec().sweep().isEmpty()) {
            List<String> types = resolved.spec().sweep().grid()
                    .getOrDefault("model.type", List.of(resolved.spec().model().type()));
            Injector injector = injector(context);
            memoryGuard.chooseFor(models(injector, types));
            return injector.getInstance(SweepRun.class).call(this::launch);
        }
        launch(context);
        return OK;
    }

    @Command(name = "resume", description = {"Continues an interrupted run from its last epoch checkpoint, into the same "
            + "run folder and the same MLflow run.", "", "Example: ./runner resume runs/cnn/20261124-101500"})
    int resume(@Parameters(paramLabel = "RUN", description = "The run folder of the interrupted run") Path run) throws Exception {
        Path specFile = savedSpec(run);
        if (Files.exists(run.resolve("metrics.json"))) {
            throw new SpecException(new SpecProblem(run.toString(), "", "this run finished; there is nothing to resume",
                    "to run it again, use ./runner rerun " + run));
        }
        ResolvedSpec resolved = new SpecLoader().load(specFile, List.of(), withoutSpecKeys(environment));
        List<String> command = List.of("resume", run.toString());
        launch(new ExperimentModule.RunContext(resolved, out, System.console() != null, environment, command,
                Clock.systemDefaultZone(), ExperimentModule.Placement.resuming(run), Map.of()));
        return OK;
    }

    @Command(name = "rerun", description = {"Runs a finished (or failed) run again from its saved resolved spec, in a new "
            + "run folder, and says whether the code, the data or the results differ.", "",
            "Example: ./runner rerun results/baseline"})
    int rerun(@Parameters(index = "0", paramLabel = "RUN", description = "The run folder to run again") Path run,
              @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of the saved spec's keys")
              List<String> changes) throws Exception {
        Path specFile = savedSpec(run);
        List<String> changed = changes == null ? List.of() : changes;
        ResolvedSpec resolved = new SpecLoader().load(specFile, changed, withoutSpecKeys(environment));
        List<String> command = new ArrayList<>(List.of("rerun", run.toString()));
        command.addAll(changed);
        Provenance before = Provenance.read(run.resolve("provenance.json"));
        RunResult result = launch(new ExperimentModule.RunContext(resolved, out, System.console() != null, environment,
                command, Clock.systemDefaultZone()));
        RerunComparison.print(out, run, before, result, changed);
        return OK;
    }

    /** Runs one experiment with an injector of its own (a sweep runs several). */
    RunResult launch(ExperimentModule.RunContext context) throws Exception {
        Injector injector = injector(context);
        memoryGuard.chooseFor(models(injector, List.of(context.spec().spec().model().type())));
        return injector.getInstance(ExperimentRun.class).call();
    }

    /** The factories of the registered models among {@code types}; unknown types are the run's to report. */
    private static List<ModelFactory<?>> models(Injector injector, List<String> types) {
        Map<String, ModelFactory<?>> models = injector.getInstance(MODELS);
        return types.stream().filter(models::containsKey).<ModelFactory<?>>map(models::get).toList();
    }

    private Injector injector(ExperimentModule.RunContext context) {
        List<Module> modules = new ArrayList<>(List.of(new ModelsModule(), new AugmentModule(), new TrackingModule(),
                new CaptioningModule(), new SweepModule(), new ExperimentModule(context)));
        modules.addAll(extensions);
        return Guice.createInjector(modules);
    }

    /** {@code resolved} with the {@code --sweep} options added to its grid. */
    private ResolvedSpec withCommandLineSweep(ResolvedSpec resolved) {
        if (sweep.isEmpty()) {
            return resolved;
        }
        Map<String, List<String>> grid = new LinkedHashMap<>(resolved.spec().sweep().grid());
        for (String option : sweep) {
            int eq = option.indexOf('=');
            List<String> values = eq < 0 ? List.of() : Arrays.stream(option.substring(eq + 1).split(","))
                    .map(String::trim).filter(v -> !v.isEmpty()).toList();
            if (values.isEmpty()) {
                throw new SpecException(new SpecProblem("command-line option --sweep " + option, "",
                        "is not of the form KEY=V1,V2,...", "write e.g. --sweep model.hidden=32,64,128"));
            }
            grid.put(option.substring(0, eq).trim(), values);
        }
        ExperimentSpec s = resolved.spec();
        SweepSpec old = s.sweep();
        ExperimentSpec withGrid = new ExperimentSpec(s.name(), s.description(), s.seed(), s.data(), s.model(), s.training(),
                s.tracking(), s.output(), s.captioning(), s.augment(),
                new SweepSpec(grid, old.metric(), old.executor(), old.parallel()));
        return new ResolvedSpec(withGrid, resolved.file(), resolved.overrides(), resolved.environment(), resolved.sources());
    }

    /** Point {@code n} of {@code sweep}'s grid, resolved as a single run. */
    private ResolvedSpec onePoint(ResolvedSpec sweep, int n) {
        List<SweepPoint> points = SweepPoint.grid(sweep.spec().sweep().grid());
        if (n < 1 || n > points.size()) {
            throw new SpecException(new SpecProblem("command-line option --point " + n, "sweep.grid",
                    "the sweep has " + points.size() + " point" + (points.size() == 1 ? "" : "s"),
                    points.isEmpty() ? "--point needs a spec with sweep.grid or --sweep options" : "give a number from 1 to " + points.size()));
        }
        return SweepRun.point(sweep, points.get(n - 1), environment);
    }

    /** The resolved spec a run folder saved; a clear error when {@code run} is not a run folder. */
    private static Path savedSpec(Path run) {
        Path file = run.resolve("spec.yaml");
        if (!Files.isRegularFile(file) || !Files.isRegularFile(run.resolve("provenance.json"))) {
            throw new SpecException(new SpecProblem(run.toString(), "", "is not a run folder (no spec.yaml and provenance.json)",
                    "give a folder a run wrote, e.g. runs/baseline/20261124-101500 or results/baseline"));
        }
        return file;
    }

    /**
     * The environment without its {@code FMNIST_SECTION__KEY} variables: a saved spec is already
     * resolved, and variables set today must not silently change what is rerun or resumed.
     */
    private static Map<String, String> withoutSpecKeys(Map<String, String> environment) {
        Map<String, String> kept = new TreeMap<>(environment);
        kept.keySet().removeIf(k -> k.startsWith(SpecLoader.ENV_PREFIX) && k.contains("__"));
        return kept;
    }

    /** The registered models, by name; the same map a run chooses from. */
    static Map<String, ModelFactory<?>> registeredModels() {
        return new TreeMap<>(Guice.createInjector(new ModelsModule()).getInstance(MODELS));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fmnist " + RunnerMain.class.getPackage().getImplementationVersion()};
        }
    }
}
