package org.fmnist.core.model;

/**
 * Builds one kind of model. Implementations are registered in a Guice {@code MapBinder} under the
 * name a spec gives as {@code model.type}; adding a model is one such class plus that one line.
 *
 * <p>A network may be a {@code MultiLayerNetwork} or a {@code ComputationGraph}, wrapped with
 * {@link Network#of}. Networks take flat input: a batch is {@code [batch, 784]} floats in [0, 1] and the output is a
 * softmax over the ten classes.
 *
 * @param <P> the model's parameters: a record whose components are the keys allowed beside
 *     {@code model.type}, snake_cased, each described with {@code @JsonPropertyDescription}. The
 *     record fills in defaults for keys a spec leaves out (they arrive as null).
 */
public interface ModelFactory<P extends Record> {

    /** One line saying what the model is. */
    String description();

    /** The parameter record type. */
    Class<P> parametersType();

    /** A new, initialised network. */
    Network create(P parameters, ModelContext context);

    /**
     * Native threads this model trains fastest with on the project's 2-core machines, used when the
     * spec says {@code training.threads: 0}.
     */
    int preferredThreads();

    /**
     * Whether training this model needs JavaCPP's guard on native memory: on every native
     * allocation it reads the process's resident size and forces a garbage collection past a limit,
     * because ND4J frees native buffers only when Java collects their owners. The deep CNN grew to
     * 22 GB without it. The check costs a small model about a fifth of its epoch, so a model whose
     * native garbage Java's ordinary collections free in time can go without it. The runner drops
     * the guard for a process only when every model the process trains says so, since JavaCPP reads
     * the setting once, when ND4J loads.
     */
    default boolean needsNativeMemoryGuard() {
        return true;
    }
}
