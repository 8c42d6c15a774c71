package org.fmnist.runner.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackedValues;
import org.fmnist.runner.folder.Provenance;

/** What trackers are told about a run, the same whether it is recorded live or after it ran elsewhere. */
final class RunDescriptions {
    private static final SpecMapper MAPPER = new SpecMapper();
    /** The data set's name in trackers. */
    static final String DATA_SET = "fashion-mnist";

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
                data(spec, provenance), startMillis, null);
    }

    /**
     * The images the run read, for each use: the training files' images it trained on and, with a
     * validation split, those it held out; the test files' images it tested on. Each digest covers
     * the files' MD5s and the keys that choose the images from them, so that two runs share a data
     * set exactly when they read the same images for the same use.
     */
    static List<RunTracker.DataInput> data(ExperimentSpec spec, Provenance provenance) {
        Map<String, String> md5 = provenance.dataMd5();
        if (md5 == null || provenance.dataDirectory() == null) {
            return List.of();
        }
        String source = Path.of(provenance.dataDirectory()).toUri().toString();
        String trainFiles = md5.get("train-images-idx3-ubyte") + md5.get("train-labels-idx1-ubyte");
        String heldOut = "train_limit=" + spec.data().trainLimit() + ",validation_split=" + spec.training().validationSplit()
                + ",seed=" + spec.seed();
        List<RunTracker.DataInput> inputs = new ArrayList<>();
        inputs.add(new RunTracker.DataInput(DATA_SET, digest(trainFiles, "train", heldOut), source, "train"));
        if (spec.training().validationSplit() > 0) {
            inputs.add(new RunTracker.DataInput(DATA_SET, digest(trainFiles, "validation", heldOut), source, "validation"));
        }
        inputs.add(new RunTracker.DataInput(DATA_SET, digest(md5.get("t10k-images-idx3-ubyte") + md5.get("t10k-labels-idx1-ubyte"),
                "test", "test_limit=" + spec.data().testLimit()), source, "test"));
        return inputs;
    }

    /** Ten hex digits, as short as MLflow's own dataset digests. */
    private static String digest(String files, String use, String selection) {
        return sha256(files + "|" + use + "|" + selection).substring(0, 10);
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
