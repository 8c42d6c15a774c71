package org.fmnist.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Parameters;

/** {@code SPEC [KEY=VALUE...]}: the arguments every command that reads a spec takes, the same way. */
public final class SpecArguments {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "Experiment spec (YAML), e.g. experiments/baseline.yaml")
    private Path spec;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of spec keys, e.g. training.epochs=3 model.hidden=64; "
            + "model=NAME and augment=NAME replace the whole section with a preset (experiments/model/, experiments/augment/) "
            + "or, for model, a registered type at its defaults")
    private List<String> overrides = new ArrayList<>();

    /** The spec file, or null when none was given. */
    public Path spec() {
        return spec;
    }

    /** The overrides, in the order typed. */
    public List<String> overrides() {
        return overrides;
    }

    /** The arguments as the user typed them, for {@code command.txt} and provenance. */
    public List<String> asTyped() {
        List<String> typed = new ArrayList<>();
        typed.add(spec.toString());
        typed.addAll(overrides);
        return typed;
    }
}
