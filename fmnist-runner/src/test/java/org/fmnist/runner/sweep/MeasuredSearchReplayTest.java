package org.fmnist.runner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.spec.AshaSpec;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

/**
 * The local asha search that results/search measured, replayed through {@link SuccessiveHalving} on the grid's
 * own validation curves (search.json's {@code grid_points}). With one slot the replay is the search itself: a
 * trial resumed from its checkpoint trains exactly as an uninterrupted one, so its accuracy at a rung is the
 * grid's curve at that epoch. When the decision rule or the order trials start in changes, the recorded search
 * is no longer what the code does and this fails: results/search must then be measured again (search.sh),
 * and results/search/replay.py, which restates the rule for its many-orders analysis, changed with it.
 */
class MeasuredSearchReplayTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path RESULTS = ROOT.resolve("results/search");
    private static final Pattern STOPPED = Pattern.compile("stopped after epoch (\\d+)");
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    @Test
    void theDecisionRuleReplaysTheMeasuredLocalSearchTrialForTrial() throws IOException {
        ExperimentSpec spec = new SpecLoader().load(ROOT.resolve("experiments/search-cnn.yaml"),
                List.of("sweep.search=asha"), Map.of()).spec();
        AshaSpec asha = spec.sweep().asha();
        List<Integer> rungs = asha.rungs();
        JsonNode search = JSON.readTree(RESULTS.resolve("search.json").toFile());
        Map<Map<String, String>, double[]> curves = new HashMap<>();
        for (JsonNode point : search.get("grid-local").get("grid_points")) {
            curves.put(JSON.convertValue(point.get("values"), JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class)),
                    JSON.convertValue(point.get("val_accuracy_by_epoch"), double[].class));
        }
        List<SweepPoint> trials = SweepPoint.of(spec.sweep(), spec.seed());
        Map<Integer, MeasuredTrial> measured = measuredTrials(RESULTS.resolve("asha-local.md"), rungs.get(rungs.size() - 1));
        assertEquals(trials.size(), measured.size(), "every trial of the measured search is in its table");
        for (SweepPoint trial : trials) {
            assertEquals(measured.get(trial.index()).values(), trial.values(),
                    "the code starts trial " + trial.index() + " with the values the measured search started it with");
        }

        SuccessiveHalving rule = new SuccessiveHalving(rungs.size(), asha.reduction(), trials.size(), false);
        Map<Integer, Integer> lastEpoch = new TreeMap<>();
        int epochs = 0;
        for (Optional<SuccessiveHalving.Step> next = rule.next(); next.isPresent(); next = rule.next()) {
            SuccessiveHalving.Step step = next.get();
            int epoch = rungs.get(step.rung());
            epochs += epoch - (step.rung() == 0 ? 0 : rungs.get(step.rung() - 1));
            lastEpoch.put(step.trial(), epoch);
            rule.reached(step.trial(), step.rung(), curves.get(trials.get(step.trial() - 1).values())[epoch - 1]);
        }

        Map<Integer, Integer> measuredLastEpoch = new TreeMap<>();
        measured.forEach((trial, m) -> measuredLastEpoch.put(trial, m.lastEpoch()));
        assertEquals(measuredLastEpoch, lastEpoch, "each trial stops where the measured search stopped it");
        assertEquals(search.get("asha-local").get("epochs").asInt(), epochs, "the measured search's epochs");
    }

    /** A row of a sweep table: the trial's values and the epoch it trained to (the last rung when it finished). */
    private record MeasuredTrial(Map<String, String> values, int lastEpoch) {}

    /** The rows of a sweep's Markdown table by point number, read by its header's column names. */
    private static Map<Integer, MeasuredTrial> measuredTrials(Path table, int lastRung) throws IOException {
        List<String> lines = Files.readAllLines(table);
        List<String> header = null;
        Map<Integer, MeasuredTrial> trials = new TreeMap<>();
        for (String line : lines) {
            if (!line.startsWith("|") || line.startsWith("|---")) {
                continue;
            }
            List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::strip).toList();
            if (header == null) {
                header = cells;
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String key : header.subList(header.indexOf("point") + 1, header.indexOf("status"))) {
                values.put(key, cells.get(header.indexOf(key)));
            }
            String status = cells.get(header.indexOf("status"));
            Matcher stopped = STOPPED.matcher(status);
            boolean stoppedEarly = stopped.matches();
            if (!stoppedEarly) {
                assertEquals("finished", status, "a trial of the measured search either stopped early or finished");
            }
            int lastEpoch = stoppedEarly ? Integer.parseInt(stopped.group(1)) : lastRung;
            trials.put(Integer.parseInt(cells.get(header.indexOf("point"))), new MeasuredTrial(values, lastEpoch));
        }
        return trials;
    }
}
