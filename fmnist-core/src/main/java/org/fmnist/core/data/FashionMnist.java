package org.fmnist.core.data;

/**
 * The Fashion-MNIST data set, verified and normalised: 60,000 training and 10,000 test images with
 * pixels scaled to [0, 1]. Obtain it through {@link DataLocator#load()}.
 */
public record FashionMnist(Split train, Split test, DataSource source) {

    /** Builds the data set from verified file contents. */
    static FashionMnist of(IdxFile.Content trainImages, IdxFile.Content trainLabels,
                           IdxFile.Content testImages, IdxFile.Content testLabels, DataSource source) {
        return new FashionMnist(
                new Split("train", normalise(trainImages.bytes()), labels(trainLabels.bytes())),
                new Split("test", normalise(testImages.bytes()), labels(testLabels.bytes())),
                source);
    }

    private static float[] normalise(byte[] raw) {
        float[] pixels = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            pixels[i] = (raw[i] & 0xFF) / 255f;
        }
        return pixels;
    }

    private static int[] labels(byte[] raw) {
        int[] labels = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            labels[i] = raw[i];
        }
        return labels;
    }
}
