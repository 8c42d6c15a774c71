package org.fmnist.core.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the data of a run came from, for provenance.
 *
 * @param directory the folder the four files were read from
 * @param foundBy which rule found it, e.g. "FMNIST_DATA environment variable"
 * @param md5 MD5 of each decompressed file, by file name
 */
public record DataSource(Path directory, String foundBy, Map<String, String> md5) {}
