package org.fmnist.runner.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;

/** The resolved spec a run folder saved, which {@code resume} and {@code rerun} start from. */
final class SavedSpec {
    private SavedSpec() {}

    /** {@code run}'s {@code spec.yaml}; a clear error when {@code run} is not a run folder. */
    static Path in(Path run) {
        return folder(run).resolve("spec.yaml");
    }

    /**
     * The run folder {@code run} names, as the run it is: {@code runs/NAME/latest} moves on when the
     * next run starts, so what is read from it now must not be read through the link later.
     */
    static Path folder(Path run) {
        if (!Files.isRegularFile(run.resolve("spec.yaml")) || !Files.isRegularFile(run.resolve("provenance.json"))) {
            throw new SpecException(new SpecProblem(run.toString(), "", "is not a run folder (no spec.yaml and provenance.json)",
                    "give a folder a run wrote, e.g. runs/baseline/latest or results/baseline"));
        }
        try {
            return run.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The environment without its {@code FMNIST_SECTION__KEY} variables: a saved spec is already
     * resolved, and variables set today must not silently change what is rerun or resumed.
     */
    static Map<String, String> withoutSpecKeys(Map<String, String> environment) {
        Map<String, String> kept = new TreeMap<>(environment);
        kept.keySet().removeIf(k -> k.startsWith(SpecLoader.ENV_PREFIX) && k.contains("__"));
        return kept;
    }
}
