package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run is recorded besides its run folder. {@code type} names one registered tracker or a
 * list of them, all recording the same run; each tracker's own keys sit in a section under its name
 * and are checked by that tracker against its parameter record, as a model checks its keys:
 *
 * <pre>
 * tracking:
 *   type: mlflow             # or [mlflow, other]
 *   mlflow: {store: mlruns, uri: http://127.0.0.1:5000}
 * </pre>
 *
 * @param type the trackers that record the run, in order
 * @param settings each tracker's keys, by tracker name; a tracker without a section gets its defaults
 */
public record TrackingSpec(List<String> type, Map<String, Map<String, Object>> settings) {

    public TrackingSpec {
        type = type == null ? List.of() : List.copyOf(type);
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        (settings == null ? Map.<String, Map<String, Object>>of() : settings)
                .forEach((name, keys) -> copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(keys))));
        settings = Collections.unmodifiableMap(copy);
    }

    /** The keys given for {@code tracker}; empty when the spec has no section for it. */
    public Map<String, Object> settingsOf(String tracker) {
        return settings.getOrDefault(tracker, Map.of());
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static TrackingSpec fromYaml(Map<String, Object> section) {
        Map<String, Object> rest = new LinkedHashMap<>(section);
        Object type = rest.remove("type");
        List<String> names = type == null ? List.of()
                : type instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(type.toString());
        Map<String, Map<String, Object>> settings = new LinkedHashMap<>();
        // Before trackers were plugins, one tracker's keys sat beside type ({type: mlflow, uri: ..., store: ...}),
        // and run folders saved then still hold that layout: read those keys as the named tracker's.
        // Its null keys were "not set", so they leave the tracker's defaults in place.
        Map<String, Object> flat = new LinkedHashMap<>();
        rest.forEach((name, keys) -> {
            if (!(keys instanceof Map<?, ?>) && !names.contains(name)) {
                flat.put(name, keys);
            }
        });
        if (!flat.isEmpty() && names.size() == 1) {
            flat.keySet().forEach(rest::remove);
            Map<Object, Object> keysOfTracker = new LinkedHashMap<>(rest.get(names.get(0)) instanceof Map<?, ?> given ? given : Map.of());
            flat.forEach((key, value) -> {
                if (value != null) {
                    keysOfTracker.put(key, value);
                }
            });
            rest.put(names.get(0), keysOfTracker);
        }
        rest.forEach((name, keys) -> {
            if (!(keys instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("tracking." + name + " must be the section of tracker '" + name
                        + "''s keys, e.g. tracking." + name + ": {...}; 'runner keys' lists them");
            }
            Map<String, Object> typed = new LinkedHashMap<>();
            map.forEach((k, v) -> typed.put(String.valueOf(k), v));
            settings.put(name, typed);
        });
        return new TrackingSpec(names, settings);
    }

    @JsonValue
    Map<String, Object> toYaml() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("type", type.size() == 1 ? type.get(0) : type);
        section.putAll(settings);
        return section;
    }
}
