package org.fmnist.runner;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code runner models}: the model types a spec can name. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Lists the model types a spec can name in model.type.")
final class ModelsCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    RunnerMain parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RunnerMain.registeredModels().forEach((name, factory) -> {
            spec.commandLine().getOut().printf("%-12s %s%n", name, factory.description());
            KeysCommand.describe(factory.parametersType(), "model", spec.commandLine().getOut());
        });
        return RunnerMain.OK;
    }
}
