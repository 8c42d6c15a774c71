package org.fmnist.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.util.Map;
import org.fmnist.runner.Registry;
import org.fmnist.runner.RunnerMain;
import org.fmnist.core.spec.SpecMapper;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code runner models}: the model types a spec can name. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Lists the model types a spec can name in model.type.")
final class ModelsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Registry registry;

    @Inject
    ModelsCommand(Registry registry) {
        this.registry = registry;
    }

    @Override
    public Integer call() {
        registry.models().forEach((name, factory) -> {
            spec.commandLine().getOut().printf("%-12s %s%n", name, factory.description());
            // A parameter record fills in its own defaults, so binding no keys at all yields them.
            ObjectMapper yaml = new SpecMapper().yaml();
            JsonNode defaults = yaml.valueToTree(yaml.convertValue(Map.of(), factory.parametersType()));
            KeysCommand.describe(factory.parametersType(), "model", defaults, spec.commandLine().getOut());
        });
        return RunnerMain.OK;
    }
}
