package org.fmnist.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.runner.RunOutputs;
import org.fmnist.runner.RunnerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runner compare}: a Markdown table of finished runs, read from their run folders. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Tabulates finished runs (run folders, or folders of them) from their metrics.json, spec.yaml and provenance.json.")
final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FOLDER", description = "Run folders, or folders holding run folders")
    List<Path> folders;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the table, with the command that made it, to FILE")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * What the table shows of one run.
     *
     * @param plainAccuracy with test-time views, the accuracy without them; else null
     * @param epochs epochs trained; 0 for an ensemble, which trains none itself
     * @param trainSeconds all training, an ensemble's members' summed
     */
    record Row(String name, Path folder, double accuracy, Double plainAccuracy, double macroF1, double shirtF1,
               double pulloverF1, long parameters, int epochs, double trainSeconds, String machine) {}

    @Override
    public Integer call() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Path folder : folders) {
            try (var walk = Files.walk(folder, 3)) {
                for (Path metrics : walk.filter(p -> p.getFileName().toString().equals("metrics.json")).sorted().toList()) {
                    rows.add(row(metrics.getParent()));
                }
            }
        }
        if (rows.isEmpty()) {
            spec.commandLine().getErr().println("runner compare: no metrics.json under " + folders);
            return RunnerMain.BAD_INPUT;
        }
        rows.sort(Comparator.comparingDouble(Row::accuracy));
        // Links are relative to the table's own file, so that they work where it is read.
        Path base = (out == null ? Path.of("") : out.toAbsolutePath().getParent()).toAbsolutePath();
        StringBuilder table = new StringBuilder("| experiment | test accuracy | without TTA | macro F1 | Shirt F1 | Pullover F1 "
                + "| parameters | epochs | s/epoch | training | machine | folder |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            String link = base.relativize(r.folder().toAbsolutePath().normalize()).toString();
            table.append(String.format(Locale.ROOT, "| %s | %.4f | %s | %.4f | %.4f | %.4f | %,d | %s | %s | %.1f min | %s | [%s](%s) |%n",
                    r.name(), r.accuracy(), r.plainAccuracy() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.plainAccuracy()),
                    r.macroF1(), r.shirtF1(), r.pulloverF1(), r.parameters(), r.epochs() == 0 ? "-" : String.valueOf(r.epochs()),
                    r.epochs() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.trainSeconds() / r.epochs()),
                    r.trainSeconds() / 60, r.machine(), link, link));
        }
        PrintWriter console = spec.commandLine().getOut();
        console.print(table);
        console.flush();
        if (out != null) {
            String command = "./runner compare " + String.join(" ", folders.stream().map(Path::toString).toList())
                    + " --out " + out;
            Files.writeString(out, "# Results\n\nEvery run below was trained on the official Fashion-MNIST training set and "
                    + "scored on its 10,000 test images. Runs with a validation split chose their weights on it and saw "
                    + "the test set once. Each folder holds the run's outputs and the command that produced it. "
                    + "This table is generated, not written by hand:\n\n```\n" + command
                    + "\n```\n\n" + table + "\ns/epoch is training time per epoch, without the evaluations; training is the "
                    + "total (an ensemble's, its members'). \"without TTA\" is the same model scored without its test-time "
                    + "views (evaluation.tta); \"-\" where it has none. An ensemble's members are each scored as their run was.\n");
        }
        return RunnerMain.OK;
    }

    private static Row row(Path run) throws IOException {
        ObjectMapper json = JsonMapperFactory.create();
        JsonNode m = json.readTree(run.resolve("metrics.json").toFile());
        JsonNode p = json.readTree(run.resolve("provenance.json").toFile());
        JsonNode t = m.get("test");
        int epochs = m.get("epochs").size();
        String machine = p.get("cpu_cores").asInt() + " cores, " + p.get("threads").asInt() + " thread"
                + (p.get("threads").asInt() == 1 ? "" : "s");
        JsonNode plain = m.path(RunOutputs.SUMMARY).path("test_plain_accuracy");
        return new Row(m.get("run").asText(), run, t.get("accuracy").asDouble(), plain.isNumber() ? plain.asDouble() : null,
                t.get("macro").get("f1").asDouble(), t.get("per_class").get("shirt").get("f1").asDouble(),
                t.get("per_class").get("pullover").get("f1").asDouble(), m.get("parameters").asLong(), epochs,
                m.get("train_seconds").asDouble(), machine);
    }
}
