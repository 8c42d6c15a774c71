package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A section that picks a registered plugin: the {@code model} section, or an entry of the
 * {@code augment} list. {@code type} names the plugin; every other key is one of its parameters,
 * checked by the plugin itself against its parameter record.
 */
public record PluginSpec(String type, Map<String, Object> params) {

    public PluginSpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static PluginSpec fromYaml(Map<String, Object> section) {
        Map<String, Object> params = new LinkedHashMap<>(section);
        Object type = params.remove("type");
        return new PluginSpec(type == null ? null : type.toString(), params);
    }

    @JsonValue
    Map<String, Object> toYaml() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("type", type);
        section.putAll(params);
        return section;
    }
}
