package org.fmnist.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.runner.Registry;
import org.fmnist.runner.RunnerMain;
import picocli.CommandLine.Command;

/** {@code runner augmentations}: the augmentations a spec's {@code augment} list can name, with their keys. */
@Command(name = "augmentations", mixinStandardHelpOptions = true,
        description = "Lists the augmentations a spec's augment list can name, with their keys.")
final class AugmentationsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Registry registry;

    @Inject
    AugmentationsCommand(Registry registry) {
        this.registry = registry;
    }

    @Override
    public Integer call() {
        Map<String, AugmentationFactory<?>> all = registry.augmentations();
        ObjectMapper yaml = new SpecMapper().yaml();
        all.forEach((name, factory) -> {
            spec.commandLine().getOut().printf("%-12s %s%n", name, factory.description());
            JsonNode defaults = yaml.valueToTree(yaml.convertValue(Map.of(), factory.parametersType()));
            KeysCommand.describe(factory.parametersType(), "", defaults, spec.commandLine().getOut());
        });
        spec.commandLine().getOut().println("Example: augment: [{type: translate, pixels: 2}, {type: flip}]");
        return RunnerMain.OK;
    }
}
