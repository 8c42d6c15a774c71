package org.fmnist.runner.tracking;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackerFactory;
import org.fmnist.core.tracking.TrackerRegistry;

/**
 * A tracker for tests that kill a run: at the first batch of epoch {@code epoch} it writes its process's
 * id to {@code signal} and holds the run there until the process is killed. The kill then comes at a
 * known point of training however fast the machine is: an event to wait for, not a time. A run that
 * finds {@code signal} written already (the resumed run, the point tried again) goes on without holding.
 * Registered as {@code hold} by {@link Module}, which the test class path lists as a plugin.
 */
public final class HoldingTracker extends NoTracker {
    private final int epoch;
    private final Path signal;

    private HoldingTracker(int epoch, Path signal) {
        this.epoch = epoch;
        this.signal = signal;
    }

    /** Registers the tracker as {@code hold}. */
    public static final class Module extends PluginModule {
        @Override
        protected void configure() {
            TrackerRegistry.trackers(binder()).addBinding("hold").to(Factory.class);
        }
    }

    static final class Factory implements TrackerFactory<Factory.Parameters> {
        record Parameters(
                @JsonPropertyDescription("The epoch whose first batch the run is held at.") Integer epoch,
                @JsonPropertyDescription("File the holding process writes its id to; once it exists, no run holds.") String signal) {
            Parameters {
                epoch = epoch == null ? 2 : epoch;
                if (signal == null || signal.isBlank()) {
                    throw new IllegalArgumentException("signal is required");
                }
            }
        }

        @Override
        public String description() {
            return "holds the run at an epoch's first batch until it is killed (tests)";
        }

        @Override
        public Class<Parameters> parametersType() {
            return Parameters.class;
        }

        @Override
        public RunTracker create(Parameters parameters) {
            return new HoldingTracker(parameters.epoch(), Path.of(parameters.signal()));
        }
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int batches, double loss) {
        if (epoch == this.epoch && batch == 1) {
            holdOnce(signal);
        }
    }

    /**
     * Writes this process's id to {@code signal} and holds the calling thread until the process is
     * killed; returns at once where {@code signal} exists: only the first run to get here holds, creating
     * the file is the claim.
     */
    public static void holdOnce(Path signal) {
        try {
            Files.writeString(signal, Long.toString(ProcessHandle.current().pid()), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException claimed) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        while (true) {
            LockSupport.park(signal);
        }
    }

    @Override
    public String start(RunDescription run) {
        return "tracking: held at epoch " + epoch + " until killed (" + signal + ")";
    }
}
