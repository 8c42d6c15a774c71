package org.fmnist.runner.cli.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.tracking.TrackedValues;
import org.fmnist.runner.folder.RunOutputs;

/**
 * One finished run as {@code runner compare} reads it from its folder: its final metrics (the
 * {@code summary} a sweep compares), its per-epoch curve, its resolved spec flattened to the dotted keys
 * MLflow shows as params, its size and cost, and the sweep it is a point of.
 *
 * @param params empty for a run without a spec of its own (an ensemble)
 * @param sweep the sweep folder a point belongs to; null for a run on its own
 */
record ComparedRun(String name, Path folder, Map<String, Double> summary, List<Epoch> epochs, Map<String, String> params,
                   long parameters, double trainSeconds, String machine, Path sweep) {

    /** One epoch's evaluation: on the validation images, or on the test set when none were held out. */
    record Epoch(int epoch, String split, double loss, double accuracy) {}

    private static final ObjectMapper JSON = JsonMapperFactory.create();
    private static final SpecMapper SPEC = new SpecMapper();

    /** @throws SpecException when one of the run's files is damaged */
    static ComparedRun read(Path folder) throws IOException {
        try {
            return parse(folder);
        } catch (JsonProcessingException e) {
            throw new SpecException(new SpecProblem(folder.toString(), "", "has a damaged file (" + e.getOriginalMessage() + ")",
                    "rerun it, or move it out of the folders compared"));
        }
    }

    private static ComparedRun parse(Path folder) throws IOException {
        JsonNode m = JSON.readTree(folder.resolve("metrics.json").toFile());
        Map<String, Double> summary = new LinkedHashMap<>();
        m.path(RunOutputs.SUMMARY).fields().forEachRemaining(e -> summary.put(e.getKey(), e.getValue().asDouble()));
        if (summary.isEmpty()) {
            summary.putAll(fromTestSection(m.path("test")));
        }
        List<Epoch> epochs = new ArrayList<>();
        for (JsonNode e : m.path("epochs")) {
            if (e.hasNonNull("eval_loss") && e.hasNonNull("eval_accuracy")) {
                epochs.add(new Epoch(e.path("epoch").asInt(), e.path("eval_split").asText("test"), e.get("eval_loss").asDouble(),
                        e.get("eval_accuracy").asDouble()));
            }
        }
        Path spec = folder.resolve("spec.yaml");
        Map<String, String> params = Files.isRegularFile(spec)
                ? TrackedValues.params(SPEC.yaml().readTree(Files.readString(spec))) : Map.of();
        String machine = "-";
        Path provenance = folder.resolve("provenance.json");
        if (Files.isRegularFile(provenance)) {
            JsonNode p = JSON.readTree(provenance.toFile());
            int threads = p.path("threads").asInt();
            machine = p.path("cpu_cores").asInt() + " cores, " + threads + " thread" + (threads == 1 ? "" : "s");
        }
        Path parent = folder.getParent();
        Path sweep = parent != null && Files.isRegularFile(parent.resolve("sweep.json")) ? parent : null;
        return new ComparedRun(m.path("run").asText(folder.getFileName().toString()), folder, summary, epochs, params,
                m.path("parameters").asLong(), m.path("train_seconds").asDouble(), machine, sweep);
    }

    /**
     * The final test metrics of a run written before {@code metrics.json} had its {@code summary}
     * (results/baseline is one), named as {@link TrackedValues#test} names them.
     */
    private static Map<String, Double> fromTestSection(JsonNode test) {
        Map<String, Double> summary = new LinkedHashMap<>();
        if (!test.has("accuracy")) {
            return summary;
        }
        summary.put("test_loss", test.path("loss").asDouble());
        summary.put("test_accuracy", test.path("accuracy").asDouble());
        for (String measure : List.of("precision", "recall", "f1")) {
            summary.put("test_macro_" + measure, test.path("macro").path(measure).asDouble());
        }
        summary.put("test_weighted_f1", test.path("weighted").path("f1").asDouble());
        test.path("per_class").fields().forEachRemaining(c -> {
            for (String measure : List.of("precision", "recall", "f1")) {
                summary.put("test_" + measure + "_" + c.getKey(), c.getValue().path(measure).asDouble());
            }
        });
        return summary;
    }

    /** A final metric by its summary name ({@code val_accuracy}, {@code test_loss}, …); null when the run has none. */
    Double metric(String key) {
        return summary.get(key);
    }

    /** Mean training seconds per epoch; null for a run that trained none itself (an ensemble). */
    Double secondsPerEpoch() {
        return epochs.isEmpty() ? null : trainSeconds / epochs.size();
    }
}
