package org.fmnist.core.data;

import java.util.List;

/**
 * The four files that make up the data set. {@link #OFFICIAL} describes the files Zalando
 * published; tests build manifests for tiny generated files.
 */
public record DatasetManifest(DatasetFile trainImages, DatasetFile trainLabels,
                              DatasetFile testImages, DatasetFile testLabels) {

    /** The official Fashion-MNIST release (checksums of the decompressed files). */
    public static final DatasetManifest OFFICIAL = new DatasetManifest(
            new DatasetFile("train-images-idx3-ubyte", IdxFile.Kind.IMAGES, 60_000, "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
            new DatasetFile("train-labels-idx1-ubyte", IdxFile.Kind.LABELS, 60_000, "9018921c3c673c538a1fc5bad174d6f9"),
            new DatasetFile("t10k-images-idx3-ubyte", IdxFile.Kind.IMAGES, 10_000, "8181f5470baa50b63fa0f6fddb340f0a"),
            new DatasetFile("t10k-labels-idx1-ubyte", IdxFile.Kind.LABELS, 10_000, "15d484375f8d13e6eb1aabb0c3f46965"));

    public List<DatasetFile> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }
}
