package org.fmnist.runner.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.sweep.SweepTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runner compare}: finished runs ranked by a metric, with the hyper-parameters that differ. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Ranks finished runs by a metric, with the hyper-parameters that differ.",
        description = {"Best first, with a column for every hyper-parameter whose value differs between the runs, their "
                + "validation and test metrics and their time per epoch. Runs are found at any depth under the folders "
                + "given, a sweep's points included.", "",
                "Example: ./runner compare runs",
                "         ./runner compare runs/sweep-dense/latest --plot sweep.png",
                "         ./runner compare runs --metric test_loss --format csv --out runs.csv"})
public final class CompareCommand implements Callable<Integer> {
    /** Which end of the ranking comes first. */
    enum Order { best, worst }

    /** How the table is written. */
    enum Format { markdown, csv }

    @Parameters(arity = "1..*", paramLabel = "FOLDER", description = "Run folders, or folders holding them at any depth")
    List<Path> folders;

    @Option(names = "--metric", paramLabel = "NAME", description = "The final metric to rank by, as metrics.json's summary "
            + "names it: val_accuracy, val_loss, test_accuracy, test_loss, test_macro_f1, test_f1_shirt, ... (default: "
            + "val_accuracy when every run held out validation images, else test_accuracy)")
    String metric;

    @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "best",
            description = "best or worst first; a loss ranks lowest first, anything else highest (default: ${DEFAULT-VALUE})")
    Order sort;

    @Option(names = "--params", split = ",", paramLabel = "KEY",
            description = "The hyper-parameter columns, e.g. model.type,seed (default: the keys whose values differ, at most "
                    + ComparisonTable.MOST_PARAMETERS + ")")
    List<String> params;

    @Option(names = "--format", paramLabel = "FORMAT", description = "markdown or csv (default: markdown; csv when --out ends in .csv)")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table, with the command that made it, to FILE")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw the runs' accuracy and loss per epoch; for one "
            + "sweep's points, also the metric against each parameter that differs")
    Path plot;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        // Each run once, however many of the folders given hold it (runs and runs/cnn/latest).
        Set<Path> found = new LinkedHashSet<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                err.println("runner compare: " + folder + " is not a folder. Fix: give run folders, or folders that hold them.");
                return ExitCode.BAD_INPUT;
            }
            found.addAll(runFoldersUnder(folder));
        }
        List<ComparedRun> runs = new ArrayList<>();
        for (Path run : found) {
            runs.add(ComparedRun.read(run));
        }
        if (runs.isEmpty()) {
            err.println("runner compare: no finished run (a folder with metrics.json) under " + folders
                    + ". Fix: give the folders runs wrote, e.g. runs or runs/baseline/latest.");
            return ExitCode.BAD_INPUT;
        }
        String by = metric != null ? metric : ComparisonTable.defaultMetric(runs);
        if (runs.stream().noneMatch(r -> r.metric(by) != null)) {
            err.println("runner compare: no run has the metric '" + by + "'. Fix: --metric one of "
                    + ComparisonTable.sharedMetrics(runs) + ".");
            return ExitCode.BAD_INPUT;
        }
        ComparisonTable table = new ComparisonTable(runs, by, sort == Order.best, params);
        Format as = format != null ? format : out != null && out.toString().endsWith(".csv") ? Format.csv : Format.markdown;
        // Links are relative to where the table is read: the --out file's folder, else here.
        Path base = (out == null ? Path.of("") : out.toAbsolutePath().getParent()).toAbsolutePath();
        String text = as == Format.csv ? table.csv() : table.markdown(base);
        PrintWriter console = spec.commandLine().getOut();
        console.print(text);
        console.flush();
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, as == Format.csv ? text : document(by, text));
            err.println("table: " + out);
        }
        if (plot != null) {
            Files.createDirectories(plot.toAbsolutePath().getParent());
            if (!ImageIO.write(ComparisonPlot.render(table, by), "png", plot.toFile())) {
                throw new IOException("no PNG writer available");
            }
            err.println("plot: " + plot);
        }
        return ExitCode.OK;
    }

    /**
     * Every folder under {@code root} that holds a finished run's metrics.json, at any depth; links
     * ({@code latest}) are not followed, so no run is found twice under one root, and checkpoints are not
     * looked into. Paths are real ones, so runs found under two roots are the same paths.
     */
    static List<Path> runFoldersUnder(Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root.toRealPath(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(ExperimentRun.CHECKPOINTS)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (Files.isRegularFile(dir.resolve("metrics.json"))) {
                    found.add(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found.stream().sorted().toList();
    }

    /** The table as a Markdown page: the command that made it, what it ranks by, and what its columns mean. */
    private String document(String by, String table) {
        // As typed: the parse result is the whole command line, "compare" included.
        List<String> command = new ArrayList<>(List.of("./runner"));
        command.addAll(spec.commandLine().getParseResult().originalArgs());
        return String.format(Locale.ROOT, """
                # Comparison

                Generated from each run's folder (metrics.json, spec.yaml, provenance.json), not written by hand:

                ```
                %s
                ```

                Ranked by %s, %s first (%s). val_* are measured on the images a run held out of its training set,
                test_* on the test set, which a run with held-out images scored once, at the end. test_plain_accuracy is
                the same model without its test-time views (evaluation.tta). s/epoch is training time per epoch without
                the evaluations; training is the total (an ensemble's, its members').

                %s""", String.join(" ", command), by, sort, SweepTable.lowerIsBetter(by) ? "lower is better" : "higher is better",
                table);
    }
}
