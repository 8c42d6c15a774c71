package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.Registry;
import picocli.CommandLine.Command;

/** {@code runner augmentations}: the augmentations a spec's {@code augment} list can name, with their keys. */
@Command(name = "augmentations", mixinStandardHelpOptions = true,
        header = "Lists the augmentations a spec's augment list can name.",
        description = {"Each with its keys, their types, defaults and meanings.", "", "Example: ./runner augmentations"})
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
        all.forEach((name, factory) -> {
            spec.commandLine().getOut().printf("%-12s %s%n", name, factory.description());
            KeysCommand.printKeys(factory.parametersType(), "", spec.commandLine().getOut());
        });
        spec.commandLine().getOut().println("Example: augment: [{type: translate, pixels: 2}, {type: flip}]");
        return ExitCode.OK;
    }
}
