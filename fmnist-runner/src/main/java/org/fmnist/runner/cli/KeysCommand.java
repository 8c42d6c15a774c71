package org.fmnist.runner.cli;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.PluginSpec;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.spec.TrackingSpec;
import org.fmnist.runner.Registry;
import picocli.CommandLine.Command;

/** {@code runner keys}: every spec key with its type and description, read from the spec records. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        header = "Lists every key a spec may set, with its type, default and meaning.",
        description = {"The keys of every registered model, augmentation and tracker included.", "", "Example: ./runner keys"})
final class KeysCommand implements Callable<Integer> {
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Registry registry;

    @Inject
    KeysCommand(Registry registry) {
        this.registry = registry;
    }

    /** One key: its name, type, default ("" for none) and meaning. */
    record Row(String key, String type, String defaultValue, String description) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode defaults = new SpecLoader().defaults();
        List<Row> rows = new ArrayList<>();
        describe(ExperimentSpec.class, "", defaults, rows);
        // Each tracker's own keys, under its name; the built-in defaults may set some of them.
        registry.trackers().forEach((name, factory) -> {
            rows.add(new Row("tracking." + name, "section", "", "Keys of tracker '" + name + "': " + factory.description() + "."));
            JsonNode recordDefaults = defaultsOf(factory.parametersType());
            JsonNode given = defaults.path("tracking").path(name);
            describe(factory.parametersType(), "tracking." + name, given.isMissingNode() ? recordDefaults : given, rows);
        });
        print(rows, out);
        out.println();
        out.println("Columns: key, type, default, meaning. model.* keys besides model.type depend on the model:");
        out.println("'runner models' lists them.");
        out.println("Defaults: fmnist-core/src/main/resources/org/fmnist/core/spec/defaults.yaml");
        return ExitCode.OK;
    }

    /** A plugin's keys, under {@code prefix}, with the defaults its parameter record fills in. */
    static void printKeys(Class<?> parameters, String prefix, PrintWriter out) {
        List<Row> rows = new ArrayList<>();
        describe(parameters, prefix, defaultsOf(parameters), rows);
        print(rows, out);
    }

    /**
     * The defaults a plugin's parameter record fills in when given no keys; none (every key shown without
     * one) when the record requires a key, as a tracker writing to a file requires the file.
     */
    static JsonNode defaultsOf(Class<?> parameters) {
        ObjectMapper yaml = new SpecMapper().yaml();
        try {
            return yaml.valueToTree(yaml.convertValue(Map.of(), parameters));
        } catch (IllegalArgumentException requiresAKey) {
            return yaml.createObjectNode();
        }
    }

    /**
     * Adds a row per key of {@code record}: key, type, default and description.
     *
     * @param defaults the default values under {@code prefix}, or a missing node when there are none
     */
    static void describe(Class<?> record, String prefix, JsonNode defaults, List<Row> rows) {
        for (RecordComponent c : record.getRecordComponents()) {
            String name = SNAKE.translate(c.getName());
            String key = (prefix.isEmpty() ? "" : prefix + ".") + name;
            Class<?> type = c.getType();
            JsonNode value = defaults.path(name);
            if (type == PluginSpec.class) {
                rows.add(new Row(key + ".type", "text", "", "Registered model to train ('runner models' lists them)."));
            } else if (type == TrackingSpec.class) {
                rows.add(new Row(key + ".type", "name|list", value.path("type").asText(""),
                        "Registered tracker, or a list of them recording the run side by side; each one's keys follow below."));
            } else if (type.isRecord()) {
                describe(type, key, value, rows);
            } else {
                String shown = value.isMissingNode() || value.isNull() ? "" : value.isContainerNode() ? value.toString() : value.asText();
                rows.add(new Row(key, typeName(type), shown, description(record, c)));
            }
        }
    }

    /** The longest type and default shown in their columns; a longer one pushes its meaning onto the next line. */
    private static final int TYPE_WIDTH = 12;
    private static final int DEFAULT_WIDTH = 14;

    /**
     * The rows as columns as wide as their longest key and type, so that every meaning starts at the same
     * place; a default too long for its column keeps its line and the meaning goes below it, aligned.
     */
    static void print(List<Row> rows, PrintWriter out) {
        int keys = rows.stream().mapToInt(r -> r.key().length()).max().orElse(0);
        int types = rows.stream().mapToInt(r -> r.type().length()).filter(n -> n <= TYPE_WIDTH).max().orElse(0);
        String indent = " ".repeat(2 + keys + 1 + types + 1 + DEFAULT_WIDTH + 1);
        for (Row r : rows) {
            String shown = r.defaultValue().isEmpty() ? "-" : r.defaultValue();
            String head = String.format("  %-" + keys + "s %-" + types + "s ", r.key(), r.type());
            if (shown.length() <= DEFAULT_WIDTH && r.type().length() <= types) {
                out.println(head + String.format("%-" + DEFAULT_WIDTH + "s ", shown) + r.description());
            } else {
                out.println(head + shown);
                out.println(indent + r.description());
            }
        }
    }

    /** Jackson's annotation lands on the record's field, not on the component itself. */
    private static String description(Class<?> record, RecordComponent c) {
        try {
            JsonPropertyDescription d = record.getDeclaredField(c.getName()).getAnnotation(JsonPropertyDescription.class);
            return d == null ? "" : d.value();
        } catch (NoSuchFieldException e) {
            return "";
        }
    }

    private static String typeName(Class<?> type) {
        if (type.isEnum()) {
            Object[] values = type.getEnumConstants();
            return values.length > 6 ? "name" : Arrays.stream(values).map(e -> e.toString().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining("|"));
        }
        if (type == String.class) {
            return "text";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "list";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "integer";
        }
        if (type == double.class || type == Double.class) {
            return "number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        return type.getSimpleName();
    }
}
