package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of the {@code augment} list: {@code type} names a registered augmentation; the other
 * keys are its parameters, checked by the augmentation itself.
 */
public record AugmentationSpec(String type, Map<String, Object> params) {

    public AugmentationSpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static AugmentationSpec fromYaml(Map<String, Object> entry) {
        Map<String, Object> params = new LinkedHashMap<>(entry);
        Object type = params.remove("type");
        return new AugmentationSpec(type == null ? null : type.toString(), params);
    }

    @JsonValue
    Map<String, Object> toYaml() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", type);
        entry.putAll(params);
        return entry;
    }
}
