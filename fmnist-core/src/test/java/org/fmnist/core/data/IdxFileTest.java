package org.fmnist.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    @TempDir
    Path dir;

    private final IdxFixtures.ToyData toy = IdxFixtures.toyData(20, 10, 1);
    private final DatasetFile images = toy.manifest().trainImages();
    private final DatasetFile labels = toy.manifest().trainLabels();

    @Test
    void readsPlainAndGzippedFilesToTheSameBytes() throws IOException {
        Path plain = IdxFixtures.write(dir.resolve("a"), toy.trainImages());
        Path gz = IdxFixtures.write(dir.resolve("b.gz"), toy.trainImages());

        byte[] fromPlain = IdxFile.read(plain, images).bytes();
        byte[] fromGz = IdxFile.read(gz, images).bytes();

        assertEquals(20 * IdxFile.PIXELS, fromPlain.length);
        assertArrayEquals(fromPlain, fromGz);
        assertArrayEquals(Arrays.copyOfRange(toy.trainImages(), 16, toy.trainImages().length), fromPlain);
    }

    @Test
    void rejectsAWrongMagicNumberAndNamesBoth() throws IOException {
        Path file = IdxFixtures.write(dir.resolve("labels-as-images"), toy.trainLabels());

        DataException e = assertThrows(DataException.class, () -> IdxFile.read(file, images));

        assertTrue(e.getMessage().contains("0x00000801"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x00000803"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void rejectsAWrongItemCount() throws IOException {
        Path file = IdxFixtures.write(dir.resolve("f"), toy.trainLabels());
        DatasetFile expectsMore = new DatasetFile(labels.name(), labels.kind(), 21, labels.md5());

        DataException e = assertThrows(DataException.class, () -> IdxFile.read(file, expectsMore));

        assertTrue(e.getMessage().contains("holds 20 items, expected 21"), e.getMessage());
    }

    @Test
    void rejectsImagesOfAnotherSize() throws IOException {
        byte[] wrongSize = IdxFixtures.bytes(IdxFile.Kind.IMAGES.magic(), new int[] {1, 32, 32}, new byte[32 * 32]);
        Path file = IdxFixtures.write(dir.resolve("f"), wrongSize);
        DatasetFile one = new DatasetFile("x", IdxFile.Kind.IMAGES, 1, IdxFixtures.md5(wrongSize));

        DataException e = assertThrows(DataException.class, () -> IdxFile.read(file, one));

        assertTrue(e.getMessage().contains("32x32"), e.getMessage());
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        byte[] cut = Arrays.copyOf(toy.trainImages(), toy.trainImages().length - 100);
        Path plain = IdxFixtures.write(dir.resolve("cut"), cut);
        Path gz = IdxFixtures.write(dir.resolve("cut.gz"), cut);

        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(plain, images)).getMessage().contains("truncated"));
        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(gz, images)).getMessage().contains("truncated"));
    }

    @Test
    void rejectsATruncatedHeader() throws IOException {
        Path file = IdxFixtures.write(dir.resolve("header"), Arrays.copyOf(toy.trainImages(), 6));

        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(file, images)).getMessage().contains("truncated"));
    }

    @Test
    void rejectsACutGzipStream() throws IOException {
        Path gz = IdxFixtures.write(dir.resolve("whole.gz"), toy.trainImages());
        byte[] compressed = Files.readAllBytes(gz);
        Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(compressed, compressed.length / 2));

        assertThrows(DataException.class, () -> IdxFile.read(cut, images));
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] longer = Arrays.copyOf(toy.trainLabels(), toy.trainLabels().length + 1);
        Path file = IdxFixtures.write(dir.resolve("f"), longer);

        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(file, labels)).getMessage().contains("after the last"));
    }

    @Test
    void rejectsAWrongChecksumEvenWhenTheHeaderIsFine() throws IOException {
        byte[] changed = toy.trainImages().clone();
        changed[changed.length - 1] ^= 0x40;
        Path file = IdxFixtures.write(dir.resolve("f.gz"), changed);

        DataException e = assertThrows(DataException.class, () -> IdxFile.read(file, images));

        assertTrue(e.getMessage().contains("MD5"), e.getMessage());
        assertTrue(e.getMessage().contains(images.md5()), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install --reinstall dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void rejectsLabelsOutsideTheTenClasses() throws IOException {
        byte[] bad = IdxFixtures.labelsBytes(new byte[] {1, 2, 10});
        Path file = IdxFixtures.write(dir.resolve("f"), bad);
        DatasetFile three = new DatasetFile("l", IdxFile.Kind.LABELS, 3, IdxFixtures.md5(bad));

        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(file, three)).getMessage().contains("label 10"));
    }

    @Test
    void namesAMissingFile() {
        Path missing = dir.resolve("nope");

        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(missing, images)).getMessage().contains("nope"));
    }
}
