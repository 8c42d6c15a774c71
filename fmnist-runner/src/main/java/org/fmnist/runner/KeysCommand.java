package org.fmnist.runner;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ModelSpec;
import picocli.CommandLine.Command;

/** {@code runner keys}: every spec key with its type and description, read from the spec records. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Lists every key a spec may set, with what it means.")
final class KeysCommand implements Callable<Integer> {
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        describe(ExperimentSpec.class, "", out);
        out.println();
        out.println("model.* keys besides model.type depend on the model: 'runner models' lists them.");
        out.println("Defaults: fmnist-core/src/main/resources/org/fmnist/core/spec/defaults.yaml");
        return RunnerMain.OK;
    }

    static void describe(Class<?> record, String prefix, PrintWriter out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = (prefix.isEmpty() ? "" : prefix + ".") + SNAKE.translate(c.getName());
            JsonPropertyDescription d = c.getAnnotation(JsonPropertyDescription.class);
            Class<?> type = c.getType();
            if (type == ModelSpec.class) {
                out.printf("  %-28s %-10s %s%n", key + ".type", "text", "Registered model to train ('runner models' lists them).");
            } else if (type.isRecord()) {
                describe(type, key, out);
            } else {
                out.printf("  %-28s %-10s %s%n", key, typeName(type), d == null ? "" : d.value());
            }
        }
    }

    private static String typeName(Class<?> type) {
        if (type.isEnum()) {
            return Arrays.stream(type.getEnumConstants()).map(e -> e.toString().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining("|"));
        }
        if (type == String.class) {
            return "text";
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
