package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.spec.SweepSpec;
import org.fmnist.runner.NativeMemoryGuard;
import org.fmnist.runner.Registry;
import org.fmnist.runner.cli.bench.BenchCaptionsCommand;
import org.fmnist.runner.cli.bench.BenchCommand;
import org.fmnist.runner.cli.compare.CompareCommand;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.job.RunJob;
import org.fmnist.runner.sweep.SweepPoint;
import org.fmnist.runner.sweep.SweepRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code ./runner SPEC [KEY=VALUE...]}: one run, or a sweep when the spec or {@code --sweep} gives a grid. */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = RunCommand.Version.class,
        header = "Trains, evaluates and records a Fashion-MNIST experiment described by a YAML spec.",
        description = {"A spec with a sweep.grid, or --sweep, runs one point per combination of values, best first in "
                + "its table.", "",
                "Example: ./runner experiments/baseline.yaml training.epochs=3",
                "         ./runner experiments/baseline.yaml --sweep model.hidden=32,64,128"},
        footer = {"", "Layers, lowest first: built-in defaults < SPEC < FMNIST_SECTION__KEY environment variables "
                + "< KEY=VALUE arguments.", "Exit codes: 0 done, 2 bad input, 1 failure."},
        // Plugins add theirs (fmnist-mlflow: ui, register, sync) through CommandRegistry.
        subcommands = {ResumeCommand.class, RerunCommand.class, JobCommand.class, KeysCommand.class, ModelsCommand.class, PluginsCommand.class,
                AugmentationsCommand.class, CompareCommand.class, EnsembleCommand.class, ScoreCommand.class, PredictCommand.class,
                ExportCommand.class, BenchCommand.class, BenchCaptionsCommand.class})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    SpecArguments arguments;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...",
            description = "Run the spec once for each value (and each combination with other --sweep options), "
                    + "as one sweep, e.g. --sweep model.hidden=32,64,128. Adds to the spec's sweep.grid.")
    List<String> sweep = new ArrayList<>();

    @Option(names = "--point", paramLabel = "N",
            description = "Run only point N (1-based, as the sweep's table numbers them) of the sweep, as a single run.")
    Integer point;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    private final Invocation invocation;
    private final Registry registry;
    private final NativeMemoryGuard memoryGuard;
    private final ExperimentRun run;
    private final SweepRun sweepRun;
    private final SpecLoader loader = new SpecLoader();

    @Inject
    RunCommand(Invocation invocation, Registry registry, NativeMemoryGuard memoryGuard, ExperimentRun run,
               SweepRun sweepRun) {
        this.invocation = invocation;
        this.registry = registry;
        this.memoryGuard = memoryGuard;
        this.run = run;
        this.sweepRun = sweepRun;
    }

    @Override
    public Integer call() throws Exception {
        if (arguments.spec() == null) {
            commandSpec.commandLine().usage(invocation.err());
            return ExitCode.BAD_INPUT;
        }
        if (!java.nio.file.Files.exists(arguments.spec())) {
            List<String> near = nearestCommands(arguments.spec().toString(), commandSpec.subcommands().keySet());
            if (!near.isEmpty()) {
                invocation.err().println("runner: '" + arguments.spec() + "' is neither a spec file nor a command. Did you mean "
                        + String.join(" or ", near) + "? ('./runner --help' lists the commands.)");
                return ExitCode.BAD_INPUT;
            }
        }
        ResolvedSpec loaded = loader.load(arguments.spec(), arguments.overrides(), invocation.environment(),
                registry::problemsOfPluginKeys);
        loaded.notes().forEach(invocation.out()::println);
        ResolvedSpec resolved = withCommandLineSweep(loaded);
        List<String> command = arguments.asTyped();
        sweep.forEach(s -> command.add("--sweep=" + s));
        if (point != null) {
            command.add("--point=" + point);
            resolved = onePoint(resolved, point);
        }
        if (!resolved.spec().sweep().isEmpty()) {
            // The memory guard is chosen once per process, before ND4J loads, for every model of the sweep,
            // read from each point's spec: a point may choose its model by model=NAME as well as model.type.
            SweepRun.Plan plan = sweepRun.plan(resolved);
            memoryGuard.chooseFor(registry.modelsAmong(plan.modelTypes()));
            return sweepRun.call(resolved, plan, command);
        }
        run.run(RunJob.of(resolved, loader.mapper(), command), invocation);
        return ExitCode.OK;
    }

    /**
     * The commands {@code word} may be a slip for: at most two letters off (edits or a swap), or a start
     * of one; none for what looks like a path.
     */
    static List<String> nearestCommands(String word, java.util.Collection<String> commands) {
        if (word.contains("/") || word.contains(".")) {
            return List.of();
        }
        return commands.stream().filter(c -> (word.length() >= 3 && c.startsWith(word)) || distance(word, c) <= 2).sorted().toList();
    }

    /** Edits (insert, delete, substitute, swap two neighbours) from {@code a} to {@code b}: Damerau-Levenshtein, restricted. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
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
        ExperimentSpec withGrid = new ExperimentSpec(s.name(), s.description(), s.seed(), s.data(), s.model(), s.training(), s.evaluation(),
                s.tracking(), s.output(), s.captioning(), s.augment(),
                old.withGrid(grid));
        return new ResolvedSpec(withGrid, resolved.file(), resolved.overrides(), resolved.environment(), resolved.sources());
    }

    /** Point {@code n} of {@code sweep}'s grid, resolved as a single run. */
    private ResolvedSpec onePoint(ResolvedSpec sweep, int n) {
        List<SweepPoint> points = SweepPoint.of(sweep.spec().sweep(), sweep.spec().seed());
        if (n < 1 || n > points.size()) {
            throw new SpecException(new SpecProblem("command-line option --point " + n, "sweep.grid",
                    "the sweep has " + points.size() + " point" + (points.size() == 1 ? "" : "s"),
                    points.isEmpty() ? "--point needs a spec with sweep.grid or --sweep options" : "give a number from 1 to " + points.size()));
        }
        return SweepRun.point(sweep, points.get(n - 1), invocation.environment());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fmnist " + RunCommand.class.getPackage().getImplementationVersion()};
        }
    }
}
