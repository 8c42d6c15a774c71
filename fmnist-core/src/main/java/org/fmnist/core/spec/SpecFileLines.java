package org.fmnist.core.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The line each key of a YAML file is written on, so that a problem names the file and its line
 * ({@code experiments/cnn.yaml:12}) the way a compiler does, and an editor or terminal can jump there.
 *
 * @param lines 1-based line of each dotted key, list items as {@code augment[0].type}
 */
record SpecFileLines(Map<String, Integer> lines) {
    static final SpecFileLines NONE = new SpecFileLines(Map.of());

    /** The keys' lines of {@code file}; none when it cannot be read (reading it reports that problem itself). */
    static SpecFileLines of(Path file, ObjectMapper yaml) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = yaml.getFactory().createParser(file.toFile())) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME) {
                    String key = dotted(parser.getParsingContext().pathAsPointer());
                    int line = parser.getTokenLocation().getLineNr();
                    lines.putIfAbsent(key, line);
                    // A list of one section is read as that section (augment.type): its first item's lines stand for it.
                    lines.putIfAbsent(key.replaceAll("\\[\\d+]", ""), line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
        return new SpecFileLines(Map.copyOf(lines));
    }

    /** These lines with every key under {@code section}: a file that writes one section's keys at its top level. */
    SpecFileLines under(String section) {
        Map<String, Integer> moved = new HashMap<>();
        lines.forEach((key, line) -> moved.put(section + "." + key, line));
        moved.put(section, 1);
        return new SpecFileLines(Map.copyOf(moved));
    }

    /**
     * The line of {@code key}, or of the nearest section above it that the file writes
     * ({@code model} for a {@code model.filters1} the file leaves out); 0 when the file has neither.
     */
    int lineOf(String key) {
        for (String k = key; !k.isEmpty(); k = parent(k)) {
            Integer line = lines.get(k);
            if (line != null) {
                return line;
            }
        }
        return 0;
    }

    private static String parent(String key) {
        int cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
        return cut < 0 ? "" : key.substring(0, cut);
    }

    /** {@code /augment/0/type} as a spec key, {@code augment[0].type}. */
    private static String dotted(JsonPointer pointer) {
        StringBuilder key = new StringBuilder();
        for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            if (p.getMatchingIndex() >= 0) {
                key.append('[').append(p.getMatchingIndex()).append(']');
            } else {
                key.append(key.length() == 0 ? "" : ".").append(p.getMatchingProperty());
            }
        }
        return key.toString();
    }
}
