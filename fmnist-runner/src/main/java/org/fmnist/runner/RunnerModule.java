package org.fmnist.runner;

import com.google.inject.AbstractModule;
import org.fmnist.core.model.ModelSource;
import org.fmnist.core.plugin.CommandRegistry;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.job.JobRunner;

/**
 * Binds what the entry point knows before any command runs: the {@link Invocation} and the memory guard;
 * and declares the sets plugins add to (commands, model sources), which may stay empty.
 */
final class RunnerModule extends AbstractModule {
    private final Invocation invocation;
    private final NativeMemoryGuard memoryGuard;

    RunnerModule(Invocation invocation, NativeMemoryGuard memoryGuard) {
        this.invocation = invocation;
        this.memoryGuard = memoryGuard;
    }

    @Override
    protected void configure() {
        bind(Invocation.class).toInstance(invocation);
        bind(NativeMemoryGuard.class).toInstance(memoryGuard);
        bind(JobRunner.class).to(ExperimentRun.class);
        CommandRegistry.commands(binder());
        ModelSource.sources(binder());
    }
}
