package org.fmnist.core.model;

import java.util.Map;
import org.fmnist.core.spec.PluginSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecMapper;

/** Binds the {@code model} section of a spec to a factory's parameter record, with spec-style errors. */
public final class ModelParameters {
    private ModelParameters() {}

    /** The parameters of {@code spec.model()} for {@code factory}, defaults filled in. */
    public static <P extends Record> P bind(ModelFactory<P> factory, ResolvedSpec spec, SpecMapper mapper) {
        return mapper.bindParameters(spec.spec().model().params(), factory.parametersType(), "model", spec::sourceOf);
    }

    /** The model section with every parameter resolved, as saved in the run's resolved spec. */
    @SuppressWarnings("unchecked")
    public static PluginSpec resolved(String type, Record parameters, SpecMapper mapper) {
        return new PluginSpec(type, mapper.yaml().convertValue(parameters, Map.class));
    }
}
