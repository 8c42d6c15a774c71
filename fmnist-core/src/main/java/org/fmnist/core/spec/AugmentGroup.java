package org.fmnist.core.spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.YAMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * The augmentation list as a config group: {@code augment=NAME} on the command line replaces the spec's
 * whole {@code augment} list with the preset {@code augment/NAME.yaml} beside the spec file (a file whose
 * one key is {@code augment}, written as in a spec), and {@code augment=none} empties it.
 */
final class AugmentGroup {
    static final String SECTION = "augment";
    private static final String NONE = "none";

    private AugmentGroup() {}

    /**
     * The list the command line chooses, if it names one; clears the spec's list from {@code lower}, the
     * layers beneath the command line. A value that is not a plain name ({@code augment=[...]}) is left
     * to the command line.
     */
    static Optional<GroupChoice> chosen(Path specFile, List<String> overrides, List<HierarchicalConfiguration<ImmutableNode>> lower,
                                       SpecMapper mapper) {
        String name = null;
        for (String override : overrides) {
            if (GroupChoice.keyOf(override).equals(SECTION) && override.contains("=")) {
                String value = override.substring(override.indexOf('=') + 1).trim();
                name = value.matches("[A-Za-z0-9_-]+") ? value : null;
            }
        }
        if (name == null) {
            return Optional.empty();
        }
        Path presetFile = GroupChoice.presets(specFile, SECTION).resolve(name + ".yaml");
        HierarchicalConfiguration<ImmutableNode> preset = name.equals(NONE) ? null : read(presetFile, specFile);
        lower.forEach(layer -> layer.clearTree(SECTION));
        List<String> rest = overrides.stream().filter(o -> !GroupChoice.keyOf(o).equals(SECTION)).toList();
        String note = SECTION + "=" + name + ": " + (preset == null ? "no augmentation" : "the augmentations of " + presetFile);
        return Optional.of(new GroupChoice(preset, preset == null ? null : presetFile,
                preset == null ? SpecFileLines.NONE : SpecFileLines.of(presetFile, mapper.yaml()), rest, note));
    }

    private static HierarchicalConfiguration<ImmutableNode> read(Path file, Path specFile) {
        if (!Files.isRegularFile(file)) {
            throw new SpecException(new SpecProblem("command line", SECTION, "there is no augmentation preset " + file,
                    "write augment=none or one of " + available(specFile) + ", or add that file"));
        }
        YAMLConfiguration config = new YAMLConfiguration();
        try (Reader reader = Files.newBufferedReader(file)) {
            config.read(reader);
        } catch (IOException | ConfigurationException | RuntimeException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "is not a valid YAML mapping: " + e.getMessage(),
                    "write the preset as a spec writes it: an 'augment:' list"));
        }
        List<String> others = config.getNodeModel().getNodeHandler().getRootNode().getChildren().stream()
                .map(ImmutableNode::getNodeName).filter(key -> !key.equals(SECTION)).distinct().toList();
        if (!others.isEmpty()) {
            throw new SpecException(new SpecProblem(file.toString(), "", "an augmentation preset holds the 'augment' list only, not "
                    + others, "move those keys into a spec; leave the preset an 'augment:' list"));
        }
        return config;
    }

    /** The presets beside the spec, by name. */
    private static List<String> available(Path specFile) {
        Path dir = GroupChoice.presets(specFile, SECTION);
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - ".yaml".length())).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
