package org.fmnist.runner;

import com.google.inject.AbstractModule;
import java.io.PrintStream;
import java.nio.file.Path;
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
                             List<String> command, Clock clock, Placement placement, Map<String, String> tags) {

        /** A new run in a new folder under {@code output.dir}, the usual case. */
        public RunContext(ResolvedSpec spec, PrintStream console, boolean terminal, Map<String, String> environment,
                          List<String> command, Clock clock) {
            this(spec, console, terminal, environment, command, clock, Placement.STANDARD, Map.of());
        }
    }

    /**
     * Where a run's folder is.
     *
     * @param dir null for a new folder {@code output.dir/NAME/TIME}; else the folder itself
     * @param resume whether {@code dir} is an interrupted run to continue rather than a new folder
     */
    public record Placement(Path dir, boolean resume) {
        public static final Placement STANDARD = new Placement(null, false);

        /** A new run folder at exactly {@code dir}, as a sweep places its points. */
        public static Placement at(Path dir) {
            return new Placement(dir, false);
        }

        /** The interrupted run in {@code dir}, to go on from its last checkpoint. */
        public static Placement resuming(Path dir) {
            return new Placement(dir, true);
        }
    }
}
