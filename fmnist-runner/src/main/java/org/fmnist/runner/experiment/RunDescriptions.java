package org.fmnist.runner.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackedValues;
import org.fmnist.runner.folder.Provenance;

/** What trackers are told about a run, the same whether it is recorded live or after it ran elsewhere. */
final class RunDescriptions {
    private static final SpecMapper MAPPER = new SpecMapper();

    private RunDescriptions() {}

    /**
     * @param savedYaml the run's resolved spec as saved in its folder (params, and the spec hash)
     * @param tags the job's own tags, e.g. a sweep point's label
     */
    static RunTracker.RunDescription of(ExperimentSpec spec, String specFile, Path folder, Provenance provenance,
                                        String savedYaml, Map<String, String> tags, long startMillis) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (provenance.gitCommit() != null) {
            labels.put("fmnist.git_dirty", String.valueOf(provenance.gitDirty()));
        }
        labels.put("fmnist.model_type", spec.model().type());
        labels.put("fmnist.spec_hash", sha256(savedYaml).substring(0, 12));
        labels.put("fmnist.run_folder", folder.toAbsolutePath().toString());
        labels.putAll(tags);
        return new RunTracker.RunDescription(spec.name(), spec.name() + "-" + folder.getFileName(), specFile,
                spec.description(), provenance.gitCommit(), null, TrackedValues.params(readTree(savedYaml)), labels,
                startMillis, null);
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String yaml) {
        try {
            return MAPPER.yaml().readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a spec the runner wrote is valid YAML", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
