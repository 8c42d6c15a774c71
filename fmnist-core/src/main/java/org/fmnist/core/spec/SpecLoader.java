package org.fmnist.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.CombinedConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.YAMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.commons.configuration2.tree.OverrideCombiner;

/**
 * Reads a spec file and layers it, lowest first: built-in defaults ({@code defaults.yaml} beside this
 * class) &lt; the spec file &lt; {@code FMNIST_SECTION__KEY} environment variables &lt; {@code key=value}
 * command-line overrides. The layers are combined with Apache Commons Configuration, then bound to
 * {@link ExperimentSpec} with Jackson and validated; every problem names its source and key.
 */
public final class SpecLoader {

    /** Environment variables that set spec keys start with this; {@code __} separates key parts. */
    public static final String ENV_PREFIX = "FMNIST_";
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    /** A key as a Java component is named, {@code model.bnDecay}: its spec spelling is {@link #snakeCase}'s. */
    private static final Pattern CAMEL_KEY = Pattern.compile("[a-z][A-Za-z0-9_]*(\\.[a-z][A-Za-z0-9_]*)*");
    private static final String DEFAULTS = "built-in defaults";

    private final SpecMapper mapper = new SpecMapper();

    public SpecMapper mapper() {
        return mapper;
    }

    /**
     * Loads {@code file} with the given overrides and environment.
     *
     * @throws SpecException listing every problem found
     */
    public ResolvedSpec load(Path file, List<String> overrides, Map<String, String> environment) {
        return load(file, overrides, environment, spec -> List.of());
    }

    /**
     * Loads {@code file} as {@link #load(Path, List, Map)} does, and reports the problems
     * {@code pluginKeys} finds in the keys plugins own (a model's, an augmentation's) together with the
     * spec's own. A sweep's points are checked one by one when the sweep starts, so not here.
     *
     * @throws SpecException listing every problem found
     */
    public ResolvedSpec load(Path file, List<String> overrides, Map<String, String> environment,
                             Function<ResolvedSpec, List<SpecProblem>> pluginKeys) {
        Layer defaults = new Layer(DEFAULTS, readDefaults());
        Layer spec = new Layer(file.toString(), readFile(file), SpecFileLines.of(file, mapper.yaml()));
        Map<String, String> envKeys = specKeysIn(environment);
        Layer env = new Layer("environment", fromEnvironment(envKeys));
        // Config groups: a choice on the command line replaces a whole section of the layers beneath it.
        List<HierarchicalConfiguration<ImmutableNode>> lower = List.of(env.config(), spec.config(), defaults.config());
        List<GroupChoice> groups = new ArrayList<>();
        List<String> rest = overrides;
        Optional<GroupChoice> model = ModelGroup.chosen(file, rest, lower, mapper);
        model.ifPresent(groups::add);
        rest = model.map(GroupChoice::overrides).orElse(rest);
        Optional<GroupChoice> augment = AugmentGroup.chosen(file, rest, lower, mapper);
        augment.ifPresent(groups::add);
        rest = augment.map(GroupChoice::overrides).orElse(rest);
        Layer cli = new Layer("command line", fromOverrides(rest));

        List<Layer> precedence = new ArrayList<>(List.of(cli, env, spec, defaults));
        groups.stream().filter(g -> g.preset() != null)
                .forEach(g -> precedence.add(1, new Layer(g.presetFile().toString(), g.preset(), g.presetLines())));
        CombinedConfiguration combined = new CombinedConfiguration(new OverrideCombiner());
        precedence.forEach(layer -> combined.addConfiguration(layer.config()));

        Function<String, String> sourceOf = key -> sourceOf(key, precedence, envKeys);
        JsonNode tree = toJson(combined.getNodeModel().getNodeHandler().getRootNode(), "", sourceOf);
        List<SpecProblem> problems = new ArrayList<>();
        ExperimentSpec resolved = mapper.bind(tree, defaults(), ExperimentSpec.class, "", sourceOf, problems);
        Map<String, String> sources = new TreeMap<>();
        leafKeys(tree, "", sources, sourceOf);
        if (resolved != null) {
            // Checked even when some keys were refused: every problem of the spec is reported at once.
            problems.addAll(SpecValidator.check(resolved, sourceOf));
            if (resolved.sweep().isEmpty()) {
                problems.addAll(pluginKeys.apply(new ResolvedSpec(resolved, file, List.copyOf(overrides), envKeys, sources)));
            }
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return new ResolvedSpec(resolved, file, List.copyOf(overrides), envKeys, sources,
                groups.stream().map(GroupChoice::note).toList());
    }

    /** The built-in defaults as a tree, for listing keys with their default values. */
    public JsonNode defaults() {
        try (InputStream in = SpecLoader.class.getResourceAsStream("defaults.yaml")) {
            return mapper.yaml().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the built-in defaults.yaml cannot be read", e);
        }
    }

    /** A configuration layer, how to name it in errors and, for a file, the line of each key. */
    private record Layer(String name, HierarchicalConfiguration<ImmutableNode> config, SpecFileLines lines) {
        Layer(String name, HierarchicalConfiguration<ImmutableNode> config) {
            this(name, config, SpecFileLines.NONE);
        }

        /** The layer as a problem's source: {@code file:line} for a key a file writes. */
        String nameFor(String key) {
            int line = lines.lineOf(key);
            return line > 0 ? name + ":" + line : name;
        }
    }

    private static String sourceOf(String key, List<Layer> precedence, Map<String, String> envKeys) {
        String plain = key.replaceAll("\\[\\d+]", "");
        for (Layer layer : precedence) {
            if (layer.config().containsKey(plain) || !layer.config().configurationsAt(plain).isEmpty()
                    || writesAsOneValue(layer, plain)) {
                if (layer.name().equals("environment")) {
                    return "environment variable " + ENV_PREFIX + plain.toUpperCase(Locale.ROOT).replace(".", "__");
                }
                return layer.nameFor(key);
            }
        }
        // A key no layer has (a required one left out) is the spec file's to add.
        return precedence.get(precedence.size() - 2).nameFor(key);
    }

    /**
     * Whether {@code layer} gives a section above {@code key} as one value, as the command line gives
     * {@code sweep.spark.conf={spark.executor.memory: 2g}}: then {@code key} is that layer's too.
     */
    private static boolean writesAsOneValue(Layer layer, String key) {
        for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
            if (layer.config().containsKey(key.substring(0, dot))) {
                return true;
            }
        }
        return false;
    }

    private static void leafKeys(JsonNode node, String prefix, Map<String, String> out, Function<String, String> sourceOf) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> leafKeys(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out, sourceOf));
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            // A list of sections (augment) by item, augment[0].probability, so each item's keys have their own line.
            out.put(prefix, sourceOf.apply(prefix));
            for (int i = 0; i < node.size(); i++) {
                leafKeys(node.get(i), prefix + "[" + i + "]", out, sourceOf);
            }
        } else {
            out.put(prefix, sourceOf.apply(prefix));
        }
    }

    private static YAMLConfiguration readDefaults() {
        try (InputStream in = SpecLoader.class.getResourceAsStream("defaults.yaml")) {
            if (in == null) {
                throw new IllegalStateException("defaults.yaml is missing from the fmnist-core jar");
            }
            YAMLConfiguration config = new YAMLConfiguration();
            config.read(new InputStreamReader(in, StandardCharsets.UTF_8));
            return config;
        } catch (IOException | ConfigurationException e) {
            throw new IllegalStateException("the built-in defaults.yaml cannot be read", e);
        }
    }

    private static YAMLConfiguration readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "the spec file does not exist",
                    "give the path of a YAML spec, e.g. experiments/baseline.yaml"));
        } catch (IOException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "cannot be read: " + e.getMessage(),
                    "check the path and its permissions"));
        }
        if (text.isBlank()) {
            throw new SpecException(new SpecProblem(file.toString(), "", "the spec file is empty",
                    "start from experiments/baseline.yaml"));
        }
        YAMLConfiguration config = new YAMLConfiguration();
        try (Reader reader = Files.newBufferedReader(file)) {
            config.read(reader);
        } catch (ConfigurationException | IOException | RuntimeException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "is not a valid YAML mapping: " + rootMessage(e),
                    "fix the YAML at the line named; a spec is 'key: value' lines, nested by indenting with spaces"));
        }
        if (config.getNodeModel().getNodeHandler().getRootNode().getChildren().isEmpty()) {
            throw new SpecException(new SpecProblem(file.toString(), "", "holds no keys (is it a YAML mapping?)",
                    "start from experiments/baseline.yaml"));
        }
        return config;
    }

    /** {@code FMNIST_TRAINING__EPOCHS=3} sets {@code training.epochs}; variables without "__" are not spec keys. */
    static Map<String, String> specKeysIn(Map<String, String> environment) {
        Map<String, String> keys = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.contains("__")) {
                keys.put(name, value);
            }
        });
        return keys;
    }

    private HierarchicalConfiguration<ImmutableNode> fromEnvironment(Map<String, String> envKeys) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        List<SpecProblem> problems = new ArrayList<>();
        envKeys.forEach((name, value) -> {
            String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", ".");
            if (!KEY.matcher(key).matches()) {
                problems.add(new SpecProblem("environment variable " + name, key, "is not a valid key",
                        "name variables FMNIST_SECTION__KEY, e.g. FMNIST_TRAINING__EPOCHS=3"));
            } else {
                config.setProperty(key, parseValue(value));
            }
        });
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return config;
    }

    private HierarchicalConfiguration<ImmutableNode> fromOverrides(List<String> overrides) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        List<SpecProblem> problems = new ArrayList<>();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String key = eq < 0 ? override : override.substring(0, eq).trim();
            boolean camelCase = eq > 0 && !KEY.matcher(key).matches() && CAMEL_KEY.matcher(key).matches();
            if (camelCase && KEY.matcher(snakeCase(key)).matches()) {
                problems.add(new SpecProblem("command-line override '" + override + "'", key,
                        "is written in camelCase, but keys are written in snake_case",
                        "write " + snakeCase(key) + "=" + override.substring(eq + 1)));
                continue;
            }
            if (eq < 0 || !KEY.matcher(key).matches()) {
                problems.add(new SpecProblem("command-line override '" + override + "'", "",
                        "is not of the form key=value", "write e.g. training.epochs=3 (keys are lower-case, dotted)"));
                continue;
            }
            config.setProperty(key, parseValue(override.substring(eq + 1)));
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return config;
    }

    /** {@code model.bnDecay} as the spec spells it, {@code model.bn_decay}: what Jackson's SNAKE_CASE makes of a record component. */
    static String snakeCase(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Values are YAML, so {@code 3}, {@code 0.5}, {@code true} and {@code [32, 64]} keep their types. */
    private Object parseValue(String text) {
        if (text.isBlank()) {
            return "";
        }
        try {
            return mapper.yaml().readValue(text, Object.class);
        } catch (IOException e) {
            return text;
        }
    }

    /**
     * The combined configuration as a JSON tree. A node with both a value and children means one
     * layer wrote a plain value where another has a section (e.g. {@code training: fast}); the
     * combiner would keep both, so it is reported here instead of silently losing the value.
     */
    private JsonNode toJson(ImmutableNode node, String key, Function<String, String> sourceOf) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (node.getChildren().isEmpty()) {
            return valueToJson(node.getValue());
        }
        if (node.getValue() != null) {
            throw new SpecException(new SpecProblem(sourceOf.apply(key), key,
                    "is given the value '" + node.getValue() + "' where a section of keys belongs, or the reverse",
                    "write " + key + " the way 'runner keys' lists it: either indented 'key: value' lines or one value"));
        }
        Map<String, List<ImmutableNode>> byName = new LinkedHashMap<>();
        for (ImmutableNode child : node.getChildren()) {
            byName.computeIfAbsent(child.getNodeName(), k -> new ArrayList<>()).add(child);
        }
        ObjectNode object = json.objectNode();
        byName.forEach((name, children) -> {
            String childKey = key.isEmpty() ? name : key + "." + name;
            if (children.size() == 1) {
                object.set(name, toJson(children.get(0), childKey, sourceOf));
            } else {
                ArrayNode array = object.putArray(name);
                children.forEach(c -> array.add(toJson(c, childKey, sourceOf)));
            }
        });
        return object;
    }

    private JsonNode valueToJson(Object value) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (value instanceof Collection<?> list) {
            ArrayNode array = json.arrayNode();
            list.forEach(v -> array.add(valueToJson(v)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = json.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), valueToJson(v)));
            return object;
        }
        return mapper.yaml().valueToTree(value);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage().replaceAll("\\s+", " ").trim();
    }
}
