package org.fmnist.runner.extension;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackerFactory;

/** A tracker from outside the project, with a key of its own: one line per event, appended to a file. */
final class EventLogTracker implements RunTracker {
    private final Path file;
    private boolean finished;

    private EventLogTracker(Path file) {
        this.file = file;
    }

    /** Registered as {@code events}. */
    static final class Factory implements TrackerFactory<Factory.Parameters> {
        record Parameters(@JsonPropertyDescription("File the events are appended to.") String file) {
            Parameters {
                if (file == null || file.isBlank()) {
                    throw new IllegalArgumentException("file is required");
                }
            }
        }

        @Override
        public String description() {
            return "appends the run's events to a file";
        }

        @Override
        public Class<Parameters> parametersType() {
            return Parameters.class;
        }

        @Override
        public RunTracker create(Parameters parameters) {
            return new EventLogTracker(Path.of(parameters.file()));
        }
    }

    private void append(String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String start(RunDescription run) {
        append("start " + run.runName() + " parent=" + run.parentRunId());
        return "tracking: events to " + file;
    }

    @Override
    public String runId() {
        return file.getFileName().toString();
    }

    @Override
    public void logMetrics(Map<String, Double> metrics, long step) {
        append("metrics " + step + " " + new TreeMap<>(metrics).keySet());
    }

    @Override
    public void logArtifacts(Path runFolder, Map<String, String> tables) {
        append("artifacts " + runFolder.getFileName());
    }

    @Override
    public List<String> finish(RunStatus status) {
        if (!finished) {
            finished = true;
            append("finish " + status);
        }
        return List.of();
    }
}
