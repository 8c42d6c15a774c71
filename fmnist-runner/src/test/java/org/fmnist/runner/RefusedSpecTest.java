package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fmnist.runner.extension.ExtensionsModule;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every wrong-typed or out-of-range value, of fmnist's own keys, a built-in model's and a plugin's, from the
 * spec file, the environment and the command line: exit 2, one message in words naming where the value came
 * from, and nothing left behind (no run folder, no tracked run).
 */
class RefusedSpecTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{1}={2} from the {0}")
    @CsvSource(delimiter = '|', value = {
            // where     | key                     | value  | model   | the rule, in words
            "file        | training.epochs         | 1.5    | dense   | '1.5' is not a whole number",
            "environment | training.epochs         | 1.5    | dense   | '1.5' is not a whole number",
            "command     | training.epochs         | 1.5    | dense   | '1.5' is not a whole number",
            "file        | training.learning_rate  | true   | dense   | 'true' is not a number",
            "command     | training.learning_rate  | fast   | dense   | 'fast' is not a number",
            "environment | data.download           | 1      | dense   | '1' is not true or false",
            "command     | training.batch_size     | [8, 16]| dense   | is not a whole number",
            "file        | training.validation_split | 1.5  | dense   | validation_split",
            "file        | model.hidden            | 64.5   | dense   | '64.5' is not a whole number",
            "environment | model.hidden            | 0      | dense   | is 0; it must be at least 1",
            "command     | model.hidden            | true   | dense   | 'true' is not a whole number",
            "file        | model.dropout           | 1.5    | cnn     | is 1.5; it must be from 0 to below 1",
            "command     | model.filters1          | 0      | cnn     | is 0; it must be at least 1",
            "file        | model.l2                | -1.0   | softmax | is -1.0; it must be at least 0",
            "environment | model.l2                | x      | softmax | 'x' is not a number",
            "command     | model.l2                | -0.5   | softmax | is -0.5; it must be at least 0"})
    void aBadValueIsExitTwoInWordsNamingItsSourceAndLeavesNothing(String where, String key, String value, String model, String rule)
            throws IOException {
        Path runs = dir.resolve("runs");
        Path mlruns = dir.resolve("mlruns");
        String yaml = "name: refused\nmodel:\n  type: " + model + "\n"
                + (where.equals("file") ? nested(key, value) : "")
                + "output:\n  dir: " + runs + "\ntracking:\n  mlflow:\n    store: " + mlruns + "\n";
        Path spec = Files.writeString(dir.resolve("spec.yaml"), yaml);
        List<String> args = new ArrayList<>(List.of(spec.toString(), "data.train_limit=100", "data.test_limit=100"));
        if (where.equals("command")) {
            args.add(key + "=" + value);
        }
        String variable = "FMNIST_" + key.toUpperCase(Locale.ROOT).replace(".", "__");
        Map<String, String> env = where.equals("environment") ? Map.of(variable, value) : Map.of();

        RunnerMainAccess.Outcome o = RunnerMainAccess.runWith(env, new Module[] {new ExtensionsModule()}, args.toArray(String[]::new));

        assertEquals(2, o.exit(), o.out() + o.err());
        String source = switch (where) {
            case "file" -> spec + ":" + lineOf(yaml, key) + ": ";
            case "environment" -> "environment variable " + variable + ": ";
            default -> "command line: ";
        };
        assertTrue(o.err().contains(source + key + ": "), "the source and the key: " + o.err());
        assertTrue(o.err().contains(rule), "the rule in words: " + o.err());
        assertFalse(o.err().contains("\tat ") || o.err().contains("Exception") || o.err().contains("java."), o.err());
        assertFalse(Files.exists(runs) || Files.exists(mlruns), "a refused run leaves no run folder and no tracked run");
    }

    /** {@code section.key: value} as the spec file writes it. */
    private static String nested(String key, String value) {
        String section = key.substring(0, key.indexOf('.'));
        String name = key.substring(key.indexOf('.') + 1);
        return section.equals("model") ? "  " + name + ": " + value + "\n" : section + ":\n  " + name + ": " + value + "\n";
    }

    /** The line the file writes {@code key}'s own name on. */
    private static int lineOf(String yaml, String key) {
        List<String> lines = yaml.lines().toList();
        String name = key.substring(key.indexOf('.') + 1) + ":";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(name)) {
                return i + 1;
            }
        }
        throw new AssertionError(key + " not in " + yaml);
    }
}
