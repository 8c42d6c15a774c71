package org.fmnist.core.model;

import com.google.inject.Binder;
import com.google.inject.multibindings.Multibinder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code runner predict} finds a model named by something other than a path: a model registry's
 * reference, such as MLflow's {@code models:/NAME/VERSION}. Plugins add theirs with
 * {@code ModelSource.sources(binder()).addBinding().to(...)}.
 */
public interface ModelSource {

    static Multibinder<ModelSource> sources(Binder binder) {
        return Multibinder.newSetBinder(binder, ModelSource.class);
    }

    /** Whether {@code reference} is one of this source's. */
    boolean accepts(String reference);

    /**
     * Writes the {@code model.zip} {@code reference} names to {@code zip}.
     *
     * @param server the server the user named ({@code predict --tracking-uri}), or null for the source's default
     * @throws org.fmnist.core.spec.SpecException when the reference is malformed or names nothing
     */
    void fetch(String reference, URI server, Map<String, String> environment, Path zip) throws IOException;
}
