package org.fmnist.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * The model as a config group, as in Hydra: {@code model=NAME} on the command line replaces the whole
 * {@code model} section of the spec (and of {@code FMNIST_MODEL__*} variables) with NAME's preset,
 * {@code model/NAME.yaml} beside the spec file, or else with the registered model type NAME at its
 * defaults. {@code model.type=NAME} naming another type than the spec's does the same. Later
 * {@code model.KEY=VALUE} overrides still apply on top.
 */
final class ModelGroup {
    static final String SECTION = "model";
    private static final String TYPE = "model.type";

    private ModelGroup() {}

    /**
     * The group the command line chooses, if it chooses one; clears the replaced section from
     * {@code lower}, the layers beneath the command line.
     */
    static Optional<GroupChoice> chosen(Path specFile, List<String> overrides, List<HierarchicalConfiguration<ImmutableNode>> lower,
                                       SpecMapper mapper) {
        String name = null;
        boolean byType = false;
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String key = GroupChoice.keyOf(override);
            if (key.equals(SECTION)) {
                name = override.substring(eq + 1).trim();
                byType = false;
            } else if (key.equals(TYPE) && !override.substring(eq + 1).trim().equals(currentType(lower))) {
                name = override.substring(eq + 1).trim();
                byType = true;
            }
        }
        if (name == null) {
            return Optional.empty();
        }
        if (name.isEmpty()) {
            throw new SpecException(new SpecProblem("command line", SECTION, "model= names no model",
                    "write model=NAME, a type './runner models' lists or a preset in " + presets(specFile)));
        }
        TreeSet<String> dropped = new TreeSet<>();
        for (HierarchicalConfiguration<ImmutableNode> layer : lower) {
            layer.getKeys(SECTION).forEachRemaining(k -> {
                if (!k.equals(TYPE)) {
                    dropped.add(k);
                }
            });
            layer.clearTree(SECTION);
        }
        Path presetFile = byType ? null : presets(specFile).resolve(name + ".yaml");
        List<String> rest = new ArrayList<>();
        for (String override : overrides) {
            String key = GroupChoice.keyOf(override);
            if (!key.equals(SECTION) && !key.equals(TYPE)) {
                rest.add(override);
            }
        }
        String what;
        HierarchicalConfiguration<ImmutableNode> preset = null;
        if (presetFile != null && Files.isRegularFile(presetFile)) {
            preset = read(presetFile, mapper);
            what = "the preset " + presetFile;
        } else {
            rest.add(0, TYPE + "=" + name);
            what = "model type " + name + " at its defaults";
        }
        String note = (byType ? TYPE : SECTION) + "=" + name + ": the model section is " + what
                + (dropped.isEmpty() ? "" : "; dropped " + String.join(", ", dropped));
        // The preset writes the model's keys at its top level: its lines are those of model.KEY.
        return Optional.of(new GroupChoice(preset, presetFile,
                preset == null ? SpecFileLines.NONE : SpecFileLines.of(presetFile, mapper.yaml()).under(SECTION), rest, note));
    }

    private static Path presets(Path specFile) {
        return GroupChoice.presets(specFile, SECTION);
    }

    private static String currentType(List<HierarchicalConfiguration<ImmutableNode>> lower) {
        for (HierarchicalConfiguration<ImmutableNode> layer : lower) {
            if (layer.containsKey(TYPE)) {
                return layer.getString(TYPE);
            }
        }
        return null;
    }

    /** A preset file's keys, placed under {@code model}; it must name its type. */
    private static HierarchicalConfiguration<ImmutableNode> read(Path file, SpecMapper mapper) {
        JsonNode tree;
        try {
            tree = mapper.yaml().readTree(file.toFile());
        } catch (IOException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "is not a valid YAML mapping: " + e.getMessage(),
                    "write the model's keys as 'key: value' lines, 'type' first"));
        }
        if (tree == null || !tree.isObject() || !tree.hasNonNull("type")) {
            throw new SpecException(new SpecProblem(file.toString(), "type", "a model preset must name its model type",
                    "add e.g. 'type: cnn' ('./runner models' lists the types)"));
        }
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        Iterator<Map.Entry<String, JsonNode>> fields = tree.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            config.setProperty(SECTION + "." + field.getKey(), mapper.yaml().convertValue(field.getValue(), Object.class));
        }
        return config;
    }
}
