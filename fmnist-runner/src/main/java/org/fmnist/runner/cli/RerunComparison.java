package org.fmnist.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.runner.experiment.RunResult;
import org.fmnist.runner.folder.Provenance;

/** What a rerun tells its user: whether code, data or libraries changed since the original, and whether the results match. */
final class RerunComparison {
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    private RerunComparison() {}

    static void print(PrintStream out, Path original, Provenance before, RunResult rerun, List<String> changes)
            throws IOException {
        Provenance after = Provenance.read(rerun.folder().resolve("provenance.json"));
        List<String> differences = after.differencesFrom(before);
        differences.forEach(d -> out.println("warning: " + d));
        if (!changes.isEmpty()) {
            out.println("note: the saved spec was changed by " + String.join(" ", changes));
        }
        Path metrics = original.resolve("metrics.json");
        if (!Files.isRegularFile(metrics)) {
            out.println("rerun of " + original + ": the original did not finish, so there are no results to compare");
            return;
        }
        JsonNode test = JSON.readTree(metrics.toFile()).path("test");
        double accuracyThen = test.path("accuracy").asDouble();
        double lossThen = test.path("loss").asDouble();
        double accuracyNow = rerun.test().accuracy();
        double lossNow = rerun.test().loss();
        boolean same = accuracyThen == accuracyNow && Math.abs(lossThen - lossNow) <= 1e-9 * Math.max(1, Math.abs(lossThen));
        out.printf(Locale.ROOT, "rerun of %s: test accuracy %.4f then, %.4f now; loss %.6f then, %.6f now: %s%n", original,
                accuracyThen, accuracyNow, lossThen, lossNow,
                same ? "the same result" : differences.isEmpty() && changes.isEmpty()
                        ? "DIFFERENT with the same code, data and spec (not reproducible on this machine?)"
                        : "different, as the changes above may explain");
    }
}
