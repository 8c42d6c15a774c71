package org.fmnist.core.data;

/**
 * One of the four IDX files and what it must contain.
 *
 * @param name file name without ".gz", e.g. {@code train-images-idx3-ubyte}
 * @param kind images or labels, which fixes the IDX magic number
 * @param count number of items the file must hold
 * @param md5 MD5 of the decompressed content, lower-case hex
 */
public record DatasetFile(String name, IdxFile.Kind kind, int count, String md5) {
    public String gzName() {
        return name + ".gz";
    }
}
