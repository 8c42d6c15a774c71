package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.Registry;
import picocli.CommandLine.Command;

/** {@code runner models}: the model types a spec can name. */
@Command(name = "models", mixinStandardHelpOptions = true,
        header = "Lists the model types a spec can name in model.type.",
        description = {"Each with its keys and its parameter count by default; plugins' models included.", "",
                "Example: ./runner models"})
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
            KeysCommand.printKeys(factory.parametersType(), "model", spec.commandLine().getOut());
        });
        return ExitCode.OK;
    }
}
