package org.fmnist.core.spec;

import java.nio.file.Path;
import java.util.List;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * What a config-group choice on the command line ({@code model=NAME}, {@code augment=NAME}) did: the
 * section it put in place of the spec's, as a layer just beneath the command line, and the command
 * line left to apply on top.
 *
 * @param preset the preset file's keys, or null when nothing replaces the cleared section
 * @param presetFile where the preset came from, or null
 * @param presetLines the line of each of the preset's keys, as the spec names them
 * @param overrides the command line without the group choice
 * @param note one line for the console: what replaced the section and which keys were dropped
 */
record GroupChoice(HierarchicalConfiguration<ImmutableNode> preset, Path presetFile, SpecFileLines presetLines, List<String> overrides,
                   String note) {

    /** Where a spec's presets of {@code section} live: a folder of that name beside it, e.g. {@code experiments/model/}. */
    static Path presets(Path specFile, String section) {
        Path dir = specFile.getParent();
        return dir == null ? Path.of(section) : dir.resolve(section);
    }

    /** The key of a {@code key=value} override. */
    static String keyOf(String override) {
        int eq = override.indexOf('=');
        return eq < 0 ? override : override.substring(0, eq).trim();
    }
}
