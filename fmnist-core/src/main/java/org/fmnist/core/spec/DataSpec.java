package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the data comes from and how much of it a run uses. */
public record DataSpec(
        @JsonPropertyDescription("Folder holding the four IDX files (gzipped or not). Searched first; unset to rely on FMNIST_DATA, Debian's package or the cache.")
        String dir,
        @JsonPropertyDescription("Folder that downloads go to and are looked for in. Unset: $XDG_CACHE_HOME/fmnist or ~/.cache/fmnist.")
        String cache,
        @JsonPropertyDescription("Download the official files into the cache when no folder holds them.")
        boolean download,
        @JsonPropertyDescription("Base URL the files are downloaded from.")
        String mirror,
        @JsonPropertyDescription("Use only the first N training images (0: all 60,000). For quick trials; results need 0.")
        int trainLimit,
        @JsonPropertyDescription("Use only the first N test images (0: all 10,000). For quick trials; results need 0.")
        int testLimit) {}
