package org.fmnist.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.fmnist.core.tracking.RunStatus;
import org.fmnist.core.tracking.RunTracker;

/**
 * An MLflow file store ({@code mlruns/}) that this process writes and reads without Python, in the
 * layout MLflow's own {@code FileStore} uses, so {@code mlflow ui --backend-store-uri ./mlruns}
 * shows the runs. Files are written whole under a temporary name and renamed; metric lines are
 * appended one at a time.
 */
public final class LocalRunStore {
    private static final Object THIS_JVM = new Object();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private final Path root;

    public LocalRunStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Creates a run, and its experiment when no experiment of that name exists yet. */
    public LocalRun createRun(String experimentName, String runName, String user, long startMillis) {
        String experimentId = experimentId(experimentName, startMillis);
        String runId = UUID.randomUUID().toString().replace("-", "");
        Path dir = root.resolve(experimentId).resolve(runId);
        try {
            Files.createDirectories(dir.resolve("metrics"));
            Files.createDirectories(dir.resolve("params"));
            Files.createDirectories(dir.resolve("tags"));
            Files.createDirectories(dir.resolve("artifacts"));
        } catch (IOException e) {
            throw storeFailure(dir, e);
        }
        LocalRun run = new LocalRun(dir, experimentName);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("artifact_uri", dir.resolve("artifacts").toUri().toString());
        meta.put("end_time", null);
        meta.put("entry_point_name", "");
        meta.put("experiment_id", experimentId);
        meta.put("lifecycle_stage", "active");
        meta.put("run_id", runId);
        meta.put("run_name", runName);
        meta.put("source_name", "");
        meta.put("source_type", 4);
        meta.put("source_version", "");
        meta.put("start_time", startMillis);
        meta.put("status", fileStoreCode(RunStatus.RUNNING));
        meta.put("tags", List.of());
        meta.put("user_id", user);
        run.writeMeta(meta);
        return run;
    }

    /** Every run in the store, oldest first. */
    public List<LocalRun> runs() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        Map<String, String> names = experimentNames();
        List<LocalRun> runs = new ArrayList<>();
        names.forEach((id, name) -> {
            try (Stream<Path> dirs = Files.list(root.resolve(id))) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("meta.yaml"))).forEach(d -> runs.add(new LocalRun(d, name)));
            } catch (IOException e) {
                throw storeFailure(root.resolve(id), e);
            }
        });
        runs.sort((a, b) -> Long.compare(a.startTime(), b.startTime()));
        return runs;
    }

    /** The run with this id, if the store holds it. */
    public Optional<LocalRun> run(String runId) {
        return runs().stream().filter(r -> r.runId().equals(runId)).findFirst();
    }

    /** Experiment ids by name, read from each experiment's {@code meta.yaml}. */
    private Map<String, String> experimentNames() {
        Map<String, String> names = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                Path meta = d.resolve("meta.yaml");
                if (Files.isRegularFile(meta)) {
                    Map<?, ?> m = YAML.readValue(meta.toFile(), Map.class);
                    names.put(String.valueOf(m.get("experiment_id")), String.valueOf(m.get("name")));
                }
            }
        } catch (IOException e) {
            throw storeFailure(root, e);
        }
        return names;
    }

    /** The id of the named experiment, creating it (and MLflow's "Default") under a lock. */
    private String experimentId(String name, long nowMillis) {
        // The file lock keeps other processes out; threads of this JVM (parallel sweep points) would
        // get an OverlappingFileLockException instead of waiting, so they take turns here first.
        synchronized (THIS_JVM) {
            return experimentIdLocked(name, nowMillis);
        }
    }

    private String experimentIdLocked(String name, long nowMillis) {
        try {
            Files.createDirectories(root);
            try (FileChannel lockFile = FileChannel.open(root.resolve(".fmnist.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                Map<String, String> names = experimentNames();
                if (!names.containsKey("0")) {
                    writeExperiment("0", "Default", nowMillis);
                }
                for (Map.Entry<String, String> e : names.entrySet()) {
                    if (e.getValue().equals(name)) {
                        return e.getKey();
                    }
                }
                // MLflow's file store uses long numeric ids; time-based ones sort by creation.
                String id = Long.toString(nowMillis * 1000 + (long) (Math.random() * 1000));
                writeExperiment(id, name, nowMillis);
                return id;
            }
        } catch (IOException e) {
            throw storeFailure(root, e);
        }
    }

    private void writeExperiment(String id, String name, long nowMillis) throws IOException {
        Path dir = Files.createDirectories(root.resolve(id));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("artifact_location", dir.toUri().toString());
        meta.put("creation_time", nowMillis);
        meta.put("experiment_id", id);
        meta.put("last_update_time", nowMillis);
        meta.put("lifecycle_stage", "active");
        meta.put("name", name);
        writeAtomically(dir.resolve("meta.yaml"), YAML.writeValueAsBytes(meta));
    }

    static void writeAtomically(Path file, byte[] content) throws IOException {
        // A temporary name of its own: two runs of a parallel sweep may write the same file (an experiment's data set).
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static UncheckedIOException storeFailure(Path where, IOException e) {
        return new UncheckedIOException("The local MLflow store at " + where + " could not be written or read: "
                + e.getMessage() + ". Fix: free disk space or point tracking.mlflow.store elsewhere.", e);
    }

    /** One run folder of the store. */
    public static final class LocalRun {
        private final Path dir;
        private final String experimentName;

        LocalRun(Path dir, String experimentName) {
            this.dir = dir;
            this.experimentName = experimentName;
        }

        public Path dir() {
            return dir;
        }

        public String experimentName() {
            return experimentName;
        }

        public String runId() {
            return dir.getFileName().toString();
        }

        public String runName() {
            return String.valueOf(meta().get("run_name"));
        }

        public long startTime() {
            return ((Number) meta().get("start_time")).longValue();
        }

        /** End time in epoch milliseconds, or null while running. */
        public Long endTime() {
            Object end = meta().get("end_time");
            return end == null ? null : ((Number) end).longValue();
        }

        public RunStatus status() {
            return ofFileStoreCode(((Number) meta().get("status")).intValue());
        }

        public void logParams(Map<String, String> params) {
            params.forEach((k, v) -> writeFile(dir.resolve("params").resolve(k), v));
        }

        public void setTags(Map<String, String> tags) {
            tags.forEach((k, v) -> writeFile(dir.resolve("tags").resolve(k), v));
        }

        public void logMetrics(List<MetricPoint> points) {
            for (MetricPoint p : points) {
                Path file = dir.resolve("metrics").resolve(p.key());
                String line = p.timestamp() + " " + p.value() + " " + p.step() + "\n";
                try {
                    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw storeFailure(file, e);
                }
            }
        }

        /**
         * Records the data sets the run read as MLflow's dataset inputs, in its file store's layout: each
         * data set once in the experiment's {@code datasets/}, each use in the run's {@code inputs/}, its
         * context a tag. Recording the same one again changes nothing (a resumed run does).
         */
        public void logInputs(List<RunTracker.DataInput> inputs) {
            for (RunTracker.DataInput input : inputs) {
                String datasetId = md5(input.name() + input.digest());
                Path dataset = dir.getParent().resolve("datasets").resolve(datasetId);
                Path use = dir.resolve("inputs").resolve(md5(datasetId + runId()));
                try {
                    if (!Files.isRegularFile(dataset.resolve("meta.yaml"))) {
                        Map<String, Object> meta = new LinkedHashMap<>();
                        meta.put("name", input.name());
                        meta.put("digest", input.digest());
                        meta.put("source_type", MlflowTags.DATASET_SOURCE_TYPE);
                        meta.put("source", MlflowTags.datasetSource(input.source()));
                        meta.put("schema", null);
                        meta.put("profile", null);
                        Files.createDirectories(dataset);
                        writeAtomically(dataset.resolve("meta.yaml"), YAML.writeValueAsBytes(meta));
                    }
                    if (!Files.isRegularFile(use.resolve("meta.yaml"))) {
                        Map<String, Object> meta = new LinkedHashMap<>();
                        meta.put("source_type", "DATASET");
                        meta.put("source_id", datasetId);
                        meta.put("destination_type", "RUN");
                        meta.put("destination_id", runId());
                        meta.put("tags", Map.of(MlflowTags.DATASET_CONTEXT, input.context()));
                        Files.createDirectories(use);
                        writeAtomically(use.resolve("meta.yaml"), YAML.writeValueAsBytes(meta));
                    }
                } catch (IOException e) {
                    throw storeFailure(use, e);
                }
            }
        }

        /** The data sets {@link #logInputs} recorded, in no particular order. */
        public List<RunTracker.DataInput> inputs() {
            Path uses = dir.resolve("inputs");
            if (!Files.isDirectory(uses)) {
                return List.of();
            }
            List<RunTracker.DataInput> inputs = new ArrayList<>();
            try (Stream<Path> dirs = Files.list(uses)) {
                for (Path use : dirs.filter(d -> Files.isRegularFile(d.resolve("meta.yaml"))).toList()) {
                    Map<?, ?> link = YAML.readValue(use.resolve("meta.yaml").toFile(), Map.class);
                    Path dataset = dir.getParent().resolve("datasets").resolve(String.valueOf(link.get("source_id")));
                    if ("DATASET".equals(link.get("source_type")) && Files.isRegularFile(dataset.resolve("meta.yaml"))) {
                        Map<?, ?> d = YAML.readValue(dataset.resolve("meta.yaml").toFile(), Map.class);
                        Map<?, ?> tags = link.get("tags") instanceof Map<?, ?> m ? m : Map.of();
                        inputs.add(new RunTracker.DataInput(String.valueOf(d.get("name")), String.valueOf(d.get("digest")),
                                MlflowTags.datasetUri(String.valueOf(d.get("source"))), String.valueOf(tags.get(MlflowTags.DATASET_CONTEXT))));
                    }
                }
            } catch (IOException e) {
                throw storeFailure(uses, e);
            }
            return inputs;
        }

        /** Copies {@code file} into the run's artifacts as {@code artifactPath}. */
        public void addArtifact(Path file, String artifactPath) {
            Path target = dir.resolve("artifacts").resolve(ArtifactPaths.checked(artifactPath));
            try {
                Files.createDirectories(target.getParent());
                writeAtomically(target, Files.readAllBytes(file));
            } catch (IOException e) {
                throw storeFailure(target, e);
            }
        }

        public void finish(RunStatus status, long endMillis) {
            Map<String, Object> meta = new LinkedHashMap<>(meta());
            meta.put("status", fileStoreCode(status));
            meta.put("end_time", endMillis);
            writeMeta(meta);
        }

        /** Marks a stopped run as running again, for a resumed run to go on recording into it. */
        public void reopen() {
            Map<String, Object> meta = new LinkedHashMap<>(meta());
            meta.put("status", fileStoreCode(RunStatus.RUNNING));
            meta.put("end_time", null);
            writeMeta(meta);
        }

        public Map<String, String> params() {
            return readValues(dir.resolve("params"));
        }

        public Map<String, String> tags() {
            return readValues(dir.resolve("tags"));
        }

        /** Every logged point, by metric key. */
        public Map<String, List<MetricPoint>> metrics() {
            Map<String, List<MetricPoint>> all = new TreeMap<>();
            readValues(dir.resolve("metrics")).forEach((key, text) -> {
                List<MetricPoint> points = new ArrayList<>();
                for (String line : text.split("\n")) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 3) {
                        points.add(new MetricPoint(key, Double.parseDouble(f[1]), Long.parseLong(f[0]), Long.parseLong(f[2])));
                    }
                }
                all.put(key, points);
            });
            return all;
        }

        /** Artifact files, by their path inside the run's artifacts. */
        public Map<String, Path> artifacts() {
            Path base = dir.resolve("artifacts");
            Map<String, Path> files = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(base)) {
                walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .forEach(p -> files.put(base.relativize(p).toString().replace('\\', '/'), p));
            } catch (IOException e) {
                throw storeFailure(base, e);
            }
            return files;
        }

        Map<String, Object> meta() {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> meta = YAML.readValue(dir.resolve("meta.yaml").toFile(), Map.class);
                return meta;
            } catch (IOException e) {
                throw storeFailure(dir, e);
            }
        }

        void writeMeta(Map<String, Object> meta) {
            try {
                writeAtomically(dir.resolve("meta.yaml"), YAML.writeValueAsBytes(meta));
            } catch (IOException e) {
                throw storeFailure(dir, e);
            }
        }

        private static void writeFile(Path file, String value) {
            try {
                writeAtomically(file, value.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw storeFailure(file, e);
            }
        }

        private static Map<String, String> readValues(Path folder) {
            Map<String, String> values = new TreeMap<>();
            if (!Files.isDirectory(folder)) {
                return values;
            }
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    if (!p.getFileName().toString().startsWith(".")) {
                        values.put(folder.relativize(p).toString().replace('\\', '/'), Files.readString(p));
                    }
                }
            } catch (IOException e) {
                throw storeFailure(folder, e);
            }
            return values;
        }
    }

    /** MLflow's file store names data sets and inputs by MD5 hex digests of their keys. */
    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides MD5", e);
        }
    }

    /** The number MLflow's file store writes for {@code status} in a run's meta.yaml. */
    static int fileStoreCode(RunStatus status) {
        return switch (status) {
            case RUNNING -> 1;
            case FINISHED -> 3;
            case FAILED -> 4;
            case KILLED -> 5;
        };
    }

    static RunStatus ofFileStoreCode(int code) {
        for (RunStatus s : RunStatus.values()) {
            if (fileStoreCode(s) == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown MLflow run status " + code);
    }
}
