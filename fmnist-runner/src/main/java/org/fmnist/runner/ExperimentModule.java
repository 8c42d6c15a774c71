package org.fmnist.runner;

import com.google.inject.AbstractModule;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.fmnist.core.spec.ResolvedSpec;

/**
 * Binds what one invocation of the runner knows: the resolved spec, the console, the environment
 * and the command line. No work happens here; {@link ExperimentRun} does it.
 */
public final class ExperimentModule extends AbstractModule {
    private final RunContext context;

    ExperimentModule(RunContext context) {
        this.context = context;
    }

    @Override
    protected void configure() {
        bind(RunContext.class).toInstance(context);
    }

    /**
     * The invocation's inputs.
     *
     * @param terminal whether the console is a terminal (progress bars redraw only there)
     * @param command the arguments the runner was started with, saved in provenance
     */
    public record RunContext(ResolvedSpec spec, PrintStream console, boolean terminal, Map<String, String> environment,
                      List<String> command, Clock clock) {}
}
