package org.example.brokenplugin;

import org.fmnist.core.model.ModelContext;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelRegistry;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.PluginModule;
import org.fmnist.models.DenseModel;

/** A plugin whose model was built against a library that is not on the classpath. */
public final class NeedsAMissingLibrary extends PluginModule {
    @Override
    protected void configure() {
        ModelRegistry.models(binder()).addBinding("needs-a-library").to(Model.class);
    }

    /** Creating it fails as a missing class does when the JVM first links the library. */
    public static final class Model implements ModelFactory<DenseModel.Parameters> {
        public Model() {
            throw new NoClassDefFoundError("com/example/GoneLibrary");
        }

        @Override
        public String description() {
            return "never made";
        }

        @Override
        public Class<DenseModel.Parameters> parametersType() {
            return DenseModel.Parameters.class;
        }

        @Override
        public Network create(DenseModel.Parameters parameters, ModelContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int preferredThreads() {
            return 1;
        }
    }
}
