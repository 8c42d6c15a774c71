package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ./runner} script, started from the project's root as a user starts it, for the
 * slow tier (failsafe runs after {@code package}, so the script starts the built jars without
 * rebuilding anything).
 */
public final class RunnerScript {
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Long enough for a first, cold start on a busy 2-core machine; a hung process fails the test instead of the build. */
    private static final long TIMEOUT_MINUTES = 5;

    private RunnerScript() {}

    /** What the script returned and printed. */
    public record Outcome(int exit, String out, String err) {
        public String both() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /**
     * {@code ROOT/runner ARGS} from the root, with {@code environment} added. Spec layers in the developer's
     * environment ({@code FMNIST_TRAINING__EPOCHS=...}) would change the run, so they are left out;
     * {@code FMNIST_DATA} and the like stay, since they say where things are, not what to do.
     *
     * @param scratch a folder for the process's output files
     */
    public static Outcome run(Path scratch, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("runner").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("FMNIST_") && name.contains("__"));
        builder.environment().put("FMNIST_JAVA_OPTS", "");
        builder.environment().putAll(environment);
        Outcome outcome = run(builder, scratch, "runner");
        assertFalse(outcome.err().contains("runner: building fmnist"), "the runner script rebuilt fmnist in the middle of"
                + " this build: fmnist-runner.jar must be newer than every source once 'package' ran. " + outcome.both());
        return outcome;
    }

    /** Runs {@code builder} from the root, its output in files under {@code scratch}, within the time limit. */
    public static Outcome run(ProcessBuilder builder, Path scratch, String name) throws Exception {
        Path out = Files.createTempFile(scratch, name, ".out");
        Path err = Files.createTempFile(scratch, name, ".err");
        Process process = builder.directory(ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                fail(String.join(" ", builder.command()) + " ran past " + TIMEOUT_MINUTES + " minutes:\n"
                        + new Outcome(-1, read(out), read(err)).both());
            }
        } finally {
            process.destroyForcibly();
        }
        return new Outcome(process.exitValue(), read(out), read(err));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
