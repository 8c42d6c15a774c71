package org.fmnist.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of the MNIST family (big-endian header, unsigned bytes). Every read
 * checks the magic number, the dimensions, the item count, that the file is not truncated and the
 * MD5 of the decompressed content, so a damaged download is caught before training starts.
 */
public final class IdxFile {

    /** Side length of a Fashion-MNIST image. */
    public static final int SIDE = 28;
    /** Pixels per image. */
    public static final int PIXELS = SIDE * SIDE;

    /** The two kinds of IDX file in the data set. */
    public enum Kind {
        /** magic 0x00000803: unsigned bytes, three dimensions (count, rows, columns) */
        IMAGES(0x0803, 3),
        /** magic 0x00000801: unsigned bytes, one dimension (count) */
        LABELS(0x0801, 1);

        final int magic;
        final int dimensions;

        Kind(int magic, int dimensions) {
            this.magic = magic;
            this.dimensions = dimensions;
        }

        public int magic() {
            return magic;
        }

        int bytesPerItem() {
            return this == IMAGES ? PIXELS : 1;
        }
    }

    /** The content of a verified file: the raw unsigned bytes after the header. */
    public record Content(DatasetFile file, Path path, byte[] bytes) {}

    private IdxFile() {}

    /**
     * Reads and verifies {@code path} (gzipped when its name ends in ".gz") against {@code expected}.
     *
     * @throws DataException naming the file, what was wrong and what to do about it
     */
    public static Content read(Path path, DatasetFile expected) {
        MessageDigest md5 = newMd5();
        try (InputStream raw = Files.newInputStream(path);
             InputStream decoded = path.getFileName().toString().endsWith(".gz")
                     ? new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16)
                     : new BufferedInputStream(raw, 1 << 16);
             DataInputStream in = new DataInputStream(new DigestInputStream(decoded, md5))) {
            byte[] bytes = readBody(in, path, expected);
            if (in.read() != -1) {
                throw corrupt(path, "has bytes after the last of its " + expected.count() + " items");
            }
            String actual = HexFormat.of().formatHex(md5.digest());
            if (!actual.equals(expected.md5())) {
                throw corrupt(path, "has MD5 " + actual + " but the official file's is " + expected.md5());
            }
            return new Content(expected, path, bytes);
        } catch (NoSuchFileException e) {
            throw new DataException(path + " does not exist.", e);
        } catch (ZipException e) {
            throw corrupt(path, "is not valid gzip (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw corrupt(path, "is truncated");
        } catch (IOException e) {
            throw new DataException("Could not read " + path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readBody(DataInputStream in, Path path, DatasetFile expected) throws IOException {
        Kind kind = expected.kind();
        int magic = in.readInt();
        if (magic != kind.magic) {
            throw corrupt(path, String.format("starts with magic number 0x%08X, expected 0x%08X (%s)",
                    magic, kind.magic, kind.name().toLowerCase()));
        }
        int count = in.readInt();
        if (count != expected.count()) {
            throw corrupt(path, "holds " + count + " items, expected " + expected.count());
        }
        if (kind == Kind.IMAGES) {
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != SIDE || cols != SIDE) {
                throw corrupt(path, "holds " + rows + "x" + cols + " images, expected " + SIDE + "x" + SIDE);
            }
        }
        byte[] bytes = new byte[Math.multiplyExact(count, kind.bytesPerItem())];
        try {
            in.readFully(bytes);
        } catch (EOFException e) {
            throw corrupt(path, "is truncated: it ends before its " + count + " items");
        }
        if (kind == Kind.LABELS) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] < 0 || bytes[i] >= FashionClass.COUNT) {
                    throw corrupt(path, "has label " + (bytes[i] & 0xFF) + " at item " + i + "; labels are 0..9");
                }
            }
        }
        return bytes;
    }

    private static DataException corrupt(Path path, String what) {
        return new DataException(path + " " + what + ". The file is damaged or not a Fashion-MNIST file: "
                + "delete it and reinstall the data (apt-get install --reinstall dataset-fashion-mnist), "
                + "or let fmnist download it again into its cache.");
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides MD5", e);
        }
    }
}
