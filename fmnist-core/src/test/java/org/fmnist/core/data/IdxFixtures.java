package org.fmnist.core.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes tiny, valid IDX files for tests, and the manifest that describes them. Images of class k
 * have a bright horizontal band at rows 2k..2k+3 plus noise, so a model can learn them quickly.
 */
public final class IdxFixtures {
    private IdxFixtures() {}

    /** IDX bytes of an image file with {@code count} images whose pixels are {@code pixels}. */
    public static byte[] imagesBytes(int count, byte[] pixels) {
        return bytes(IdxFile.Kind.IMAGES.magic(), new int[] {count, IdxFile.SIDE, IdxFile.SIDE}, pixels);
    }

    public static byte[] labelsBytes(byte[] labels) {
        return bytes(IdxFile.Kind.LABELS.magic(), new int[] {labels.length}, labels);
    }

    public static byte[] bytes(int magic, int[] dims, byte[] body) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return buffer.toByteArray();
    }

    public static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Writes {@code content} to {@code file}, gzipped when the name ends in ".gz". */
    public static Path write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = file.toString().endsWith(".gz")
                ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    /** A learnable toy data set: its four files' content and the manifest that matches them. */
    public record ToyData(byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels,
                          DatasetManifest manifest) {

        /** Writes the four files into {@code dir}, gzipped or not. */
        public Path writeTo(Path dir, boolean gzip) throws IOException {
            String ext = gzip ? ".gz" : "";
            write(dir.resolve(manifest.trainImages().name() + ext), trainImages);
            write(dir.resolve(manifest.trainLabels().name() + ext), trainLabels);
            write(dir.resolve(manifest.testImages().name() + ext), testImages);
            write(dir.resolve(manifest.testLabels().name() + ext), testLabels);
            return dir;
        }

        /** Writes the files into {@code dir} and loads them back, checked against this manifest. */
        public FashionMnist load(Path dir) throws IOException {
            writeTo(dir, true);
            return new DataLocator(java.util.List.of(new DataLocator.Place("test", dir)), dir.resolve("cache"),
                    java.util.Optional.empty(), manifest, java.time.Duration.ofSeconds(1)).load();
        }
    }

    public static ToyData toyData(int trainCount, int testCount, long seed) {
        Random random = new Random(seed);
        byte[][] train = toySplit(trainCount, random);
        byte[][] test = toySplit(testCount, random);
        byte[] ti = imagesBytes(trainCount, train[0]);
        byte[] tl = labelsBytes(train[1]);
        byte[] si = imagesBytes(testCount, test[0]);
        byte[] sl = labelsBytes(test[1]);
        DatasetManifest official = DatasetManifest.OFFICIAL;
        DatasetManifest manifest = new DatasetManifest(
                new DatasetFile(official.trainImages().name(), IdxFile.Kind.IMAGES, trainCount, md5(ti)),
                new DatasetFile(official.trainLabels().name(), IdxFile.Kind.LABELS, trainCount, md5(tl)),
                new DatasetFile(official.testImages().name(), IdxFile.Kind.IMAGES, testCount, md5(si)),
                new DatasetFile(official.testLabels().name(), IdxFile.Kind.LABELS, testCount, md5(sl)));
        return new ToyData(ti, tl, si, sl, manifest);
    }

    /** {pixels, labels} of {@code count} toy images, labels cycling through the ten classes. */
    private static byte[][] toySplit(int count, Random random) {
        byte[] pixels = new byte[count * IdxFile.PIXELS];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = i % FashionClass.COUNT;
            labels[i] = (byte) label;
            for (int p = 0; p < IdxFile.PIXELS; p++) {
                int row = p / IdxFile.SIDE;
                boolean band = row >= 2 * label + 2 && row < 2 * label + 6;
                int value = band ? 180 + random.nextInt(76) : random.nextInt(60);
                pixels[i * IdxFile.PIXELS + p] = (byte) value;
            }
        }
        return new byte[][] {pixels, labels};
    }
}
