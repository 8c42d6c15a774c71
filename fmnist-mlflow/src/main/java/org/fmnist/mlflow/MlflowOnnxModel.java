package org.fmnist.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.json.JsonMapperFactory;

/**
 * A run's {@code model.onnx} as an MLflow model: the folder MLflow's own {@code mlflow.onnx.save_model}
 * writes (an {@code MLmodel} file with the {@code onnx} and {@code python_function} flavors, the
 * signature, an input example, the class names as metadata, the pinned Python requirements), so that
 * MLflow's tools take it: {@code mlflow.pyfunc.load_model}, {@code mlflow models serve}, the registry's
 * version page. Written here because a run has no Python; ModelRegistryIT loads it with the pinned MLflow.
 */
final class MlflowOnnxModel {
    /** Where in a run's artifacts the model folder goes, as {@code mlflow.onnx.log_model} puts it. */
    static final String ARTIFACT_PATH = "model";
    /** The run folder's files it is made from (written by the runner beside {@code model.zip}). */
    static final String ONNX = "model.onnx";
    static final String INPUT_EXAMPLE = "input-example.json";

    private static final String SIGNATURE_INPUTS = "[{\"name\": \"image\", \"type\": \"tensor\", \"tensor-spec\": "
            + "{\"dtype\": \"float32\", \"shape\": [-1, 1, 28, 28]}}]";
    private static final String SIGNATURE_OUTPUTS = "[{\"name\": \"probabilities\", \"type\": \"tensor\", \"tensor-spec\": "
            + "{\"dtype\": \"float32\", \"shape\": [-1, " + FashionClass.COUNT + "]}}]";
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final ObjectMapper json = JsonMapperFactory.create();
    private final YAMLMapper yaml = new YAMLMapper();

    /**
     * Writes the model folder for {@code runFolder}'s {@code model.onnx} into the empty folder {@code target}.
     *
     * @return false, writing nothing, when the run folder holds no {@code model.onnx}
     */
    boolean write(Path runFolder, Path target) throws IOException {
        Path onnx = runFolder.resolve(ONNX);
        if (!Files.isRegularFile(onnx)) {
            return false;
        }
        Files.copy(onnx, target.resolve(ONNX));
        ObjectNode model = yaml.createObjectNode();
        model.put("artifact_path", ARTIFACT_PATH);
        ObjectNode flavors = model.putObject("flavors");
        ObjectNode onnxFlavor = flavors.putObject("onnx");
        onnxFlavor.putNull("code");
        onnxFlavor.put("data", ONNX);
        onnxFlavor.putNull("onnx_session_options");
        onnxFlavor.put("onnx_version", pinned("onnx"));
        onnxFlavor.putArray("providers").add("CPUExecutionProvider");
        ObjectNode pyfunc = flavors.putObject("python_function");
        pyfunc.put("data", ONNX);
        pyfunc.put("loader_module", "mlflow.onnx");
        ArrayNode classes = model.putObject("metadata").putArray("classes");
        Arrays.stream(FashionClass.values()).forEach(c -> classes.add(c.displayName()));
        model.put("mlflow_version", MlflowInstallation.VERSION);
        model.put("model_size_bytes", Files.size(onnx));
        model.put("model_uuid", UUID.randomUUID().toString().replace("-", ""));
        Path example = runFolder.resolve(INPUT_EXAMPLE);
        if (Files.isRegularFile(example)) {
            // MLflow keeps the example as given and, for the scoring server, wrapped as a request body.
            Files.copy(example, target.resolve("input_example.json"));
            ObjectNode request = json.createObjectNode();
            request.set("inputs", json.readTree(example.toFile()));
            json.writeValue(target.resolve("serving_input_example.json").toFile(), request);
            ObjectNode info = model.putObject("saved_input_example_info");
            info.put("artifact_path", "input_example.json");
            info.put("serving_input_path", "serving_input_example.json");
            info.put("type", "ndarray");
        }
        ObjectNode signature = model.putObject("signature");
        signature.put("inputs", SIGNATURE_INPUTS);
        signature.put("outputs", SIGNATURE_OUTPUTS);
        signature.putNull("params");
        model.put("utc_time_created", CREATED.format(ZonedDateTime.now(ZoneOffset.UTC)));
        yaml.writeValue(target.resolve("MLmodel").toFile(), model);
        Files.writeString(target.resolve("requirements.txt"), String.join("\n", requirements()) + "\n");
        return true;
    }

    /**
     * Adds the run folder's {@code model.onnx} to {@code run} as an MLflow model, under {@value #ARTIFACT_PATH}; a run folder without one adds nothing.
     *
     * @return whether it added one
     */
    static boolean addTo(LocalRunStore.LocalRun run, Path runFolder) throws IOException {
        Path tmp = Files.createTempDirectory("fmnist-mlflow-model");
        try {
            if (!new MlflowOnnxModel().write(runFolder, tmp)) {
                return false;
            }
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.sorted().toList()) {
                    run.addArtifact(f, ARTIFACT_PATH + "/" + f.getFileName());
                }
            }
            return true;
        } finally {
            FileUtils.deleteDirectory(tmp.toFile());
        }
    }

    /** What loading the model takes in Python: the packages fmnist's MLflow virtualenv holds, server extras left out. */
    static List<String> requirements() {
        return MlflowInstallation.PACKAGES.stream().map(p -> p.replaceAll("\\[[^]]*]", "")).toList();
    }

    private static String pinned(String name) {
        return requirements().stream().filter(p -> p.startsWith(name + "==")).findFirst().orElseThrow()
                .substring(name.length() + 2);
    }
}
