package org.fmnist.runner.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.PluginModules;
import picocli.CommandLine.Command;

/** {@code runner plugins}: every jar that declares plugin modules, its modules and what each registers. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        header = "Lists every jar with plugin modules: fmnist's own and those in plugins/, and what each registers.",
        description = {"A jar dropped into plugins/ (or the folder FMNIST_PLUGINS names) is checked when the runner starts:"
                + " one that cannot be read, or a second copy of a module, is refused naming the jar.", "",
                "Example: ./runner plugins"})
final class PluginsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginModules.on(Thread.currentThread().getContextClassLoader()).contributions().forEach((jar, modules) -> {
            out.println(jar);
            modules.forEach((module, names) -> out.printf("  %s: %s%n", module, names.isEmpty() ? "(registers no name)"
                    : String.join(", ", names)));
        });
        return ExitCode.OK;
    }
}
