package org.fmnist.core.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Binds YAML trees to spec records with strict settings (unknown keys and wrong types are errors)
 * and translates Jackson's complaints into {@link SpecProblem}s a researcher can act on.
 */
public final class SpecMapper {

    private final ObjectMapper yaml;

    public SpecMapper() {
        this.yaml = YAMLMapper.builder(new YAMLFactory()
                        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
                // Never guess: text for a number or a truth value, a number for a truth value, are refused.
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // 1.5 for a whole number is refused, not cut to 1.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** The mapper itself, for writing specs and other YAML. */
    public ObjectMapper yaml() {
        return yaml;
    }

    /**
     * Binds {@code tree} to {@code type}.
     *
     * @param prefix dotted key of {@code tree} within the whole spec ("" for the root)
     * @param sourceOf says which layer a dotted key came from
     */
    public <T> T bind(JsonNode tree, Class<T> type, String prefix, Function<String, String> sourceOf) {
        List<SpecProblem> problems = new ArrayList<>();
        T value = bind(tree, MissingNode.getInstance(), type, prefix, sourceOf, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return value;
    }

    /**
     * Binds {@code tree} to {@code type}, adding every problem found to {@code problems}: Jackson stops
     * at the first, so each refused value is replaced by its value in {@code fallback} (or left out when
     * {@code fallback} has none) and the rest bound again, until all bind.
     *
     * @param fallback values to bind in place of refused ones, e.g. the built-in defaults; may be empty
     * @return the value bound with the refused keys replaced, or null when that cannot be bound at all
     */
    public <T> T bind(JsonNode tree, JsonNode fallback, Class<T> type, String prefix, Function<String, String> sourceOf,
                      List<SpecProblem> problems) {
        JsonNode remaining = tree.deepCopy();
        Set<String> refused = new HashSet<>();
        while (true) {
            try {
                return yaml.treeToValue(remaining, type);
            } catch (JsonProcessingException e) {
                if (e.getCause() instanceof IllegalArgumentException rejected) {
                    String recordKey = keyOf(e, prefix);
                    if (!refused.add(recordKey + "#record")) {
                        // The record refuses again without the values it named: those were its problem, already
                        // reported. Replace the whole record, and go on to the rest.
                        if (e instanceof JsonMappingException m && replace(remaining, fallback, m.getPath())) {
                            continue;
                        }
                        return null;
                    }
                    problems.addAll(rejections(rejected, recordKey, sourceOf));
                    // The values a record's checks named are left out (or, naming none, the record), to find what else is wrong.
                    if (!(e instanceof JsonMappingException m)) {
                        return null;
                    }
                    boolean leftOut = rejected instanceof ParameterChecks.InvalidParameters invalid
                            && leaveOut(remaining, m.getPath(), invalid.violations(), refused, recordKey);
                    if (!leftOut && !replace(remaining, fallback, m.getPath())) {
                        return null;
                    }
                    continue;
                }
                // A key refused again after its replacement is not reported twice; binding stops there.
                if (!refused.add(keyOf(e, prefix)) || !(e instanceof JsonMappingException m)) {
                    return null;
                }
                problems.add(problemOf(e, remaining, prefix, sourceOf));
                if (!replace(remaining, fallback, m.getPath())) {
                    return null;
                }
            } catch (IllegalArgumentException e) {
                problems.addAll(rejections(e, prefix, sourceOf));
                return null;
            }
        }
    }

    /** Removes the keys {@code violations} name from the record at {@code path}; false when none was left to remove. */
    private static boolean leaveOut(JsonNode tree, List<JsonMappingException.Reference> path,
                                    List<ParameterChecks.Violation> violations, Set<String> refused, String recordKey) {
        JsonNode record = at(tree, path);
        boolean removed = false;
        for (ParameterChecks.Violation v : violations) {
            if (record instanceof ObjectNode section && refused.add(recordKey + "." + v.key())) {
                removed |= section.remove(v.key()) != null;
            }
        }
        return removed;
    }

    /** Puts {@code fallback}'s value, or nothing, in place of the key Jackson refused; false when that key is not a section's. */
    private static boolean replace(JsonNode tree, JsonNode fallback, List<JsonMappingException.Reference> path) {
        if (path.isEmpty() || path.get(path.size() - 1).getFieldName() == null) {
            return false;
        }
        JsonNode parent = at(tree, path.subList(0, path.size() - 1));
        JsonNode fallbackValue = at(fallback, path);
        if (!(parent instanceof ObjectNode section)) {
            return false;
        }
        String key = path.get(path.size() - 1).getFieldName();
        if (fallbackValue.isMissingNode()) {
            section.remove(key);
        } else {
            section.set(key, fallbackValue.deepCopy());
        }
        return true;
    }

    /**
     * A record's constructor refused values: each key {@link ParameterChecks} named, with its own source,
     * or the record's message under its section's key.
     */
    private static List<SpecProblem> rejections(IllegalArgumentException e, String prefix, Function<String, String> sourceOf) {
        String fix = prefix.startsWith("model") ? "see './runner models' for the model's keys and what each allows"
                : "see './runner keys' for what is allowed";
        if (e instanceof ParameterChecks.InvalidParameters invalid) {
            return invalid.violations().stream().map(v -> {
                String key = prefix.isEmpty() ? v.key() : v.key().isEmpty() ? prefix : prefix + "." + v.key();
                return new SpecProblem(sourceOf.apply(key), key, "is " + v.value() + "; it " + v.rule(), fix);
            }).toList();
        }
        return List.of(new SpecProblem(sourceOf.apply(prefix), prefix, e.getMessage(), fix));
    }

    /**
     * Binds a plugin's parameters (the keys of a {@code model} section or an {@code augment} entry
     * besides {@code type}) to its parameter record.
     */
    public <T> T bindParameters(Map<String, Object> params, Class<T> type, String prefix, Function<String, String> sourceOf) {
        return bind(yaml.valueToTree(params), type, prefix, sourceOf);
    }

    /** Writes a value (a spec or a part of one) as YAML text. */
    public String write(Object value) {
        try {
            return yaml.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("spec records always serialise", e);
        }
    }

    private static SpecProblem problemOf(JsonProcessingException e, JsonNode tree, String prefix,
                                         Function<String, String> sourceOf) {
        String key = keyOf(e, prefix);
        String source = sourceOf.apply(key);
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).collect(Collectors.toCollection(TreeSet::new)).toString();
            String parent = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "the top level";
            return new SpecProblem(source, key, "unknown key",
                    "use one of the keys known under " + parent + ": " + known);
        }
        if (e instanceof InvalidFormatException f) {
            return new SpecProblem(source, key, "'" + f.getValue() + "' is not " + describe(f.getTargetType()),
                    "write " + describe(f.getTargetType()));
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            JsonNode value = valueAt(tree, m);
            return new SpecProblem(source, key, (value == null || value.isMissingNode() ? "this value"
                    : "'" + (value.isTextual() ? value.asText() : value.toString()) + "'") + " is not " + describe(m.getTargetType()),
                    "write " + describe(m.getTargetType()));
        }
        return new SpecProblem(source, key, firstLine(e.getOriginalMessage()), "see 'runner keys' for what is allowed");
    }

    /** The dotted key Jackson was at, e.g. {@code training.batch_size}. */
    static String keyOf(JsonProcessingException e, String prefix) {
        if (!(e instanceof JsonMappingException m)) {
            return prefix;
        }
        StringBuilder key = new StringBuilder(prefix);
        for (JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (!key.isEmpty()) {
                    key.append('.');
                }
                key.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                key.append('[').append(ref.getIndex()).append(']');
            }
        }
        return key.toString();
    }

    /** The value Jackson refused, found in {@code tree} by the path it was at. */
    private static JsonNode valueAt(JsonNode tree, JsonMappingException e) {
        return at(tree, e.getPath());
    }

    /** The node at Jackson's {@code path} in {@code tree}; a missing node when there is none. */
    private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> path) {
        JsonNode node = tree;
        for (JsonMappingException.Reference ref : path) {
            node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
        }
        return node;
    }

    /** "a whole number", "true or false", "one of adam, sgd", ... */
    static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number, e.g. 0.001";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
        if (type == String.class) {
            return "a text value";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list, e.g. [1, 2]";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a section of keys (see 'runner keys')";
        }
        return "a " + type.getSimpleName();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "invalid value";
        }
        List<String> lines = text.lines().toList();
        return lines.isEmpty() ? text : lines.get(0);
    }
}
