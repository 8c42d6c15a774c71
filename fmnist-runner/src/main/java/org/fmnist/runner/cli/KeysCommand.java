package org.fmnist.runner.cli;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.PluginSpec;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.spec.TrackingSpec;
import org.fmnist.runner.Registry;
import org.fmnist.runner.RunnerMain;
import picocli.CommandLine.Command;

/** {@code runner keys}: every spec key with its type and description, read from the spec records. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Lists every key a spec may set, with what it means.")
final class KeysCommand implements Callable<Integer> {
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Registry registry;

    @Inject
    KeysCommand(Registry registry) {
        this.registry = registry;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode defaults = new SpecLoader().defaults();
        describe(ExperimentSpec.class, "", defaults, out);
        // Each tracker's own keys, under its name; the built-in defaults may set some of them.
        ObjectMapper yaml = new SpecMapper().yaml();
        registry.trackers().forEach((name, factory) -> {
            line(out, "tracking." + name, "section", "", "Keys of tracker '" + name + "': " + factory.description() + ".");
            JsonNode recordDefaults = yaml.valueToTree(yaml.convertValue(Map.of(), factory.parametersType()));
            JsonNode given = defaults.path("tracking").path(name);
            describe(factory.parametersType(), "tracking." + name, given.isMissingNode() ? recordDefaults : given, out);
        });
        out.println();
        out.println("Columns: key, type, default, meaning. model.* keys besides model.type depend on the model:");
        out.println("'runner models' lists them.");
        out.println("Defaults: fmnist-core/src/main/resources/org/fmnist/core/spec/defaults.yaml");
        return RunnerMain.OK;
    }

    /**
     * Prints one line per key of {@code record}: key, type, default and description.
     *
     * @param defaults the default values under {@code prefix}, or a missing node when there are none
     */
    static void describe(Class<?> record, String prefix, JsonNode defaults, PrintWriter out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String name = SNAKE.translate(c.getName());
            String key = (prefix.isEmpty() ? "" : prefix + ".") + name;
            Class<?> type = c.getType();
            JsonNode value = defaults.path(name);
            if (type == PluginSpec.class) {
                line(out, key + ".type", "text", "", "Registered model to train ('runner models' lists them).");
            } else if (type == TrackingSpec.class) {
                line(out, key + ".type", "name|list", value.path("type").asText(""),
                        "Registered tracker, or a list of them recording the run side by side; each one's keys follow below.");
            } else if (type.isRecord()) {
                describe(type, key, value, out);
            } else {
                String shown = value.isMissingNode() || value.isNull() ? "" : value.isContainerNode() ? value.toString() : value.asText();
                line(out, key, typeName(type), shown, description(record, c));
            }
        }
    }

    private static void line(PrintWriter out, String key, String type, String defaultValue, String description) {
        out.printf("  %-26s %-9s %-10s %s%n", key, type, defaultValue.isEmpty() ? "-" : defaultValue, description);
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
        if (type == Integer.class || type == int.class || type == long.class) {
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
