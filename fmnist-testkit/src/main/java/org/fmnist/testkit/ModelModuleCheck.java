package org.fmnist.testkit;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.model.FloatRounding;
import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.NetworkRounding;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.onnx.OnnxExport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Checks a model module as fmnist will use it, in one call from a plugin's own test:
 * <pre>{@code
 * ModelModuleCheck.of(new MyModule(), "my-model")
 *         .buildsAt(Map.of("hidden", 1))          // the edges of the keys' ranges
 *         .refuses(Map.of("hidden", 0))           // just outside them
 *         .run();
 * }</pre>
 * {@link #run} finds every problem, then fails once listing them all:
 * <ul>
 *   <li>the module registers the name, and the model and each of its keys have a description
 *       ({@code ./runner models} shows them);
 *   <li>its parameters bind at their defaults and at each {@link #buildsAt} point from spec keys (snake_case,
 *       as a spec writes them), and each {@link #refuses} point is refused in words naming the key, the way
 *       {@link org.fmnist.core.spec.ParameterChecks} reports it, never as a Java message;
 *   <li>every network built is a softmax over the ten classes, and gives no batch norm an activation
 *       (DL4J ignores it, so the network would be linear there, and the runner refuses it);
 *   <li>a few steps on generated images lower the loss on them;
 *   <li>saved and restored, the network predicts exactly what it did: the same arithmetic on the same weights;
 *   <li>its ONNX export (every run writes {@code model.onnx}) runs in ONNX Runtime with the same classes and
 *       probabilities within what float rounding allows the two computations.
 * </ul>
 */
public final class ModelModuleCheck {
    /** Generated images: ten of each class. */
    private static final int IMAGES = 10 * FashionClass.COUNT;
    private static final int STEPS = 20;
    private static final long SEED = 42;

    private final Module module;
    private final String name;
    private final List<Map<String, Object>> edges = new ArrayList<>();
    private final List<Map<String, Object>> refused = new ArrayList<>();
    private final SpecMapper mapper = new SpecMapper();

    private ModelModuleCheck(Module module, String name) {
        this.module = module;
        this.name = name;
    }

    /** A check of the model {@code module} registers as {@code name}, the spec's {@code model.type}. */
    public static ModelModuleCheck of(Module module, String name) {
        return new ModelModuleCheck(module, name);
    }

    /** Also builds, and checks, the network at these keys (the rest at their defaults): e.g. the edges of their ranges. */
    public ModelModuleCheck buildsAt(Map<String, ?> keys) {
        edges.add(new LinkedHashMap<>(keys));
        return this;
    }

    /** Also expects these keys to be refused in words naming each of them: e.g. values just outside their ranges. */
    public ModelModuleCheck refuses(Map<String, ?> keys) {
        refused.add(new LinkedHashMap<>(keys));
        return this;
    }

    /**
     * Runs every check.
     *
     * @throws AssertionError listing every problem found
     */
    public void run() {
        List<String> problems = new ArrayList<>();
        ModelFactory<?> factory = registered(problems);
        if (factory != null) {
            described(factory, problems);
            List<Map<String, Object>> points = new ArrayList<>();
            points.add(Map.of());
            points.addAll(edges);
            Network defaults = null;
            for (Map<String, Object> keys : points) {
                Network network = attempt(problems, "at " + shown(keys), () -> build(factory, keys));
                if (network != null) {
                    verify(problems, "at " + shown(keys), () -> shaped(network));
                    defaults = defaults == null ? network : defaults;
                }
            }
            for (Map<String, Object> keys : refused) {
                verify(problems, "at " + shown(keys), () -> refusedInWords(factory, keys));
            }
            if (defaults != null) {
                Network network = defaults;
                verify(problems, "saved and restored", () -> restoresExactly(network));
                verify(problems, "as ONNX", () -> onnxRuntimeAgrees(network));
                verify(problems, "training", () -> learns(network));
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("model '" + name + "': " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                    + ":\n  - " + String.join("\n  - ", problems));
        }
    }

    private ModelFactory<?> registered(List<String> problems) {
        Map<String, ModelFactory<?>> models;
        try {
            models = Guice.createInjector(module).getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory<?>>>() {}));
        } catch (RuntimeException e) {
            problems.add("the module does not start on its own: " + e.getMessage());
            return null;
        }
        if (!models.containsKey(name)) {
            problems.add("the module registers no model '" + name + "' (it registers " + models.keySet()
                    + "); bind it with ModelRegistry.models(binder()).addBinding(\"" + name + "\")");
            return null;
        }
        return models.get(name);
    }

    /** What {@code ./runner models} prints: the model's line, and each key's description. */
    private static void described(ModelFactory<?> factory, List<String> problems) {
        if (factory.description() == null || factory.description().isBlank()) {
            problems.add("description() is empty; ./runner models shows it as the model's one line");
        }
        if (!factory.parametersType().isRecord()) {
            problems.add(factory.parametersType().getName() + " is not a record; a model's keys are a record's components");
            return;
        }
        for (RecordComponent c : factory.parametersType().getRecordComponents()) {
            // The annotation goes where Jackson reads it, the record's field, as ./runner models reads it too.
            JsonPropertyDescription d = fieldOf(factory.parametersType(), c).getAnnotation(JsonPropertyDescription.class);
            if (d == null || d.value().isBlank()) {
                problems.add("key " + snakeCase(c.getName()) + " has no @JsonPropertyDescription; ./runner models shows it for each key");
            }
        }
    }

    private static java.lang.reflect.Field fieldOf(Class<?> record, RecordComponent c) {
        try {
            return record.getDeclaredField(c.getName());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("a record has a field for each component", e);
        }
    }

    private <P extends Record> Network build(ModelFactory<P> factory, Map<String, Object> keys) {
        P parameters = mapper.bindParameters(keys, factory.parametersType(), "model", key -> "the check");
        Network network = factory.create(parameters, new ModelContext(SEED, new Adam(1e-3)));
        List<String> ignored = network.layersIgnoringTheirActivation();
        if (!ignored.isEmpty()) {
            throw new AssertionError("batch norm(s) " + ignored + " have an activation DL4J never applies, so the network"
                    + " is linear there (fmnist refuses to train it): build each batch norm without one and add an"
                    + " ActivationLayer after it");
        }
        return network;
    }

    private static void shaped(Network network) {
        INDArray out = network.output(images(new Random(SEED)));
        if (out.rank() != 2 || out.size(0) != IMAGES || out.size(1) != FashionClass.COUNT) {
            throw new AssertionError("gives " + java.util.Arrays.toString(out.shape()) + " for " + IMAGES + " flat images; fmnist"
                    + " needs [images, " + FashionClass.COUNT + "] class probabilities");
        }
        INDArray sums = out.sum(1);
        double bound = FloatRounding.probabilitiesSumBound(FashionClass.COUNT);
        for (int i = 0; i < IMAGES; i++) {
            FloatRounding.assertWithin(1.0, sums.getDouble(i), bound, "the probabilities of image " + i + " sum (a softmax output?)");
        }
    }

    private <P extends Record> void refusedInWords(ModelFactory<P> factory, Map<String, Object> keys) {
        try {
            mapper.bindParameters(keys, factory.parametersType(), "model", key -> "the check");
        } catch (SpecException e) {
            String message = e.getMessage();
            for (String key : keys.keySet()) {
                if (!message.contains("model." + key)) {
                    throw new AssertionError("refused, but the message does not name model." + key + ": " + message);
                }
            }
            if (message.contains("Cannot construct") || message.contains("$") || message.contains("Exception")) {
                throw new AssertionError("refused in Java's words, not the spec's; reject values with"
                        + " ParameterChecks.of().require(...).done() in the record's constructor: " + message);
            }
            return;
        }
        throw new AssertionError("accepted; the record's constructor should reject these values with ParameterChecks");
    }

    /** A few Adam steps on the generated images lower the model's loss on them. */
    private static void learns(Network network) {
        Random random = new Random(SEED + 1);
        INDArray features = images(random);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, IMAGES, FashionClass.COUNT);
        for (int i = 0; i < IMAGES; i++) {
            labels.putScalar(i, i % FashionClass.COUNT, 1f);
        }
        double before = loss(network.output(features), labels);
        for (int step = 0; step < STEPS; step++) {
            network.fit(features, labels);
        }
        double after = loss(network.output(features), labels);
        if (!(after < before)) {
            throw new AssertionError(STEPS + " Adam steps (learning rate 0.001) on " + IMAGES + " generated images did not lower"
                    + " the loss on them: " + before + " before, " + after + " after; does create() use context.updater()?");
        }
    }

    private static void restoresExactly(Network network) throws IOException {
        Path zip = Files.createTempFile("fmnist-check-", ".zip");
        try {
            network.save(zip, false);
            Network restored = Network.restore(zip, false);
            INDArray features = images(new Random(SEED + 2));
            INDArray before = network.output(features);
            INDArray after = restored.output(features);
            if (!before.equals(after)) {
                throw new AssertionError("the restored network predicts otherwise: largest difference "
                        + Transforms.abs(before.sub(after)).maxNumber() + "; are all its weights parameters DL4J saves?");
            }
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    private void onnxRuntimeAgrees(Network network) throws OrtException {
        INDArray features = images(new Random(SEED + 3));
        INDArray fmnist = network.output(features);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] pixels = features.reshape(features.length()).toFloatVector();
        try (OrtSession session = env.createSession(OnnxExport.of(network, name).toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor image = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {IMAGES, 1, IdxFile.SIDE, IdxFile.SIDE});
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, image))) {
            INDArray onnx = Nd4j.createFromArray((float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue());
            if (!fmnist.argMax(1).equals(onnx.argMax(1))) {
                throw new AssertionError("ONNX Runtime predicts other classes than fmnist for the generated images");
            }
            // Each side may carry one computation's rounding.
            FloatRounding.assertWithin(fmnist, onnx, NetworkRounding.outputBound(network.model(), features).mul(2),
                    "ONNX Runtime's probabilities against fmnist's");
        }
    }

    /**
     * Images a network can tell apart: class c lights the c-th band of rows, over faint noise. Flat, as
     * fmnist feeds networks, in [0, 1].
     */
    private static INDArray images(Random random) {
        float[][] pixels = new float[IMAGES][IdxFile.PIXELS];
        int band = IdxFile.SIDE * IdxFile.SIDE / FashionClass.COUNT;
        for (int i = 0; i < IMAGES; i++) {
            int label = i % FashionClass.COUNT;
            for (int p = 0; p < IdxFile.PIXELS; p++) {
                pixels[i][p] = 0.2f * random.nextFloat() + (p / band == label ? 0.8f : 0f);
            }
        }
        return Nd4j.createFromArray(pixels);
    }

    private static double loss(INDArray probabilities, INDArray labels) {
        INDArray p = probabilities.mul(labels).sum(1);
        return -Transforms.log(Transforms.max(p, 1e-7), false).meanNumber().doubleValue();
    }

    /** What a Java name becomes as a spec key: {@code bnDecay} is {@code bn_decay}. */
    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String shown(Map<String, Object> keys) {
        return keys.isEmpty() ? "the defaults" : keys.toString();
    }

    /** A check that may throw. */
    private interface Check<T> {
        T run() throws Exception;
    }

    private interface VoidCheck {
        void run() throws Exception;
    }

    private static <T> T attempt(List<String> problems, String where, Check<T> check) {
        try {
            return check.run();
        } catch (SpecException e) {
            problems.add(where + ": refused: " + e.getMessage().replace("\n", " "));
        } catch (AssertionError | Exception e) {
            problems.add(where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        return null;
    }

    private static void verify(List<String> problems, String where, VoidCheck check) {
        attempt(problems, where, () -> {
            check.run();
            return null;
        });
    }
}
