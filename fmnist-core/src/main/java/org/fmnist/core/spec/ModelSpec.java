package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code model} section: {@code type} names a registered model; every other key is a
 * parameter of that model, checked by the model itself (see {@code ModelFactory}).
 */
public record ModelSpec(String type, Map<String, Object> params) {

    public ModelSpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ModelSpec fromYaml(Map<String, Object> section) {
        Map<String, Object> params = new LinkedHashMap<>(section);
        Object type = params.remove("type");
        return new ModelSpec(type == null ? null : type.toString(), params);
    }

    @JsonValue
    Map<String, Object> toYaml() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("type", type);
        section.putAll(params);
        return section;
    }
}
