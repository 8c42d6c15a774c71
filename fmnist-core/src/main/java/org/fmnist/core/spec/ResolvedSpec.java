package org.fmnist.core.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A spec after layering and validation, with what went into it, so that a run can save exactly
 * how its configuration came about.
 *
 * @param spec the resolved spec
 * @param file the spec file it was read from
 * @param overrides the {@code key=value} arguments, as given
 * @param environment the {@code FMNIST_*} environment variables that set keys, by name
 * @param sources for every dotted key, the layer its value came from
 * @param notes lines for the console about how the layers combined, e.g. which keys {@code model=NAME} dropped
 */
public record ResolvedSpec(ExperimentSpec spec, Path file, List<String> overrides, Map<String, String> environment,
                           Map<String, String> sources, List<String> notes) {

    /** A spec resolved before, e.g. a sweep's point or a job's, whose notes were said when it was loaded. */
    public ResolvedSpec(ExperimentSpec spec, Path file, List<String> overrides, Map<String, String> environment,
                        Map<String, String> sources) {
        this(spec, file, overrides, environment, sources, List.of());
    }

    /** The layer {@code key} came from; for keys no layer set, their section's, else the spec file. */
    public String sourceOf(String key) {
        // A key no layer wrote (one left out, or refused) is its section's: the section names the file and line.
        for (String k = key; !k.isEmpty(); k = k.substring(0, Math.max(0, Math.max(k.lastIndexOf('.'), k.lastIndexOf('['))))) {
            // A list of one section is resolved as that section: augment[0].type is augment.type.
            String single = k.replace("[0]", "");
            if (sources.containsKey(k) || sources.containsKey(single)) {
                return sources.getOrDefault(k, sources.get(single));
            }
        }
        return file.toString();
    }
}
