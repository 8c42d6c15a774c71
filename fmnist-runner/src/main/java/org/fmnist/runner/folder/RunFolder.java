package org.fmnist.runner.folder;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import javax.imageio.ImageIO;

/**
 * The folder a run writes its outputs to, {@code OUTPUT_DIR/NAME/yyyyMMdd-HHmmss}, always as an
 * absolute, normalized path: whatever {@code output.dir} is (relative, absolute, with {@code ..}),
 * every path of a run and of a sweep's points is one of the same root. Every file is written beside
 * its final name and then renamed, so a crash or a full disk never leaves a half file under a real
 * name. {@code OUTPUT_DIR/NAME/latest} links to the newest run of {@code NAME}.
 */
public final class RunFolder {
    /** The link in each experiment's folder to its newest run: {@code runs/baseline/latest}. */
    public static final String LATEST = "latest";
    /**
     * By tracker name, the ids the trackers gave the run: an interrupted run resumes into them, and
     * {@code runner ensemble} tags its record with its members'. Kept in the run folder for good.
     */
    public static final String TRACKED_RUN_IDS = "tracked-run-ids.json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * Creates a new, empty run folder, and points {@code latest} beside it at it; a second run in the
     * same second gets a suffix.
     */
    public static RunFolder create(Path outputDir, String name, LocalDateTime now) {
        Path parent = outputDir.resolve(name).toAbsolutePath().normalize();
        try {
            Files.createDirectories(parent);
            String stamp = STAMP.format(now);
            for (int attempt = 1; ; attempt++) {
                Path candidate = parent.resolve(attempt == 1 ? stamp : stamp + "-" + attempt);
                try {
                    RunFolder folder = new RunFolder(Files.createDirectory(candidate));
                    pointLatestAt(candidate);
                    return folder;
                } catch (FileAlreadyExistsException e) {
                    // Another run started in the same second; try the next suffix.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a run folder under " + parent + ": " + e.getMessage()
                    + ". Fix: check that output.dir is writable and the disk has room.", e);
        }
    }

    /**
     * Points {@code latest} beside {@code run} at it: a relative link, so the folder can move, made
     * under another name and renamed over the old one, so a reader never finds none.
     */
    private static void pointLatestAt(Path run) throws IOException {
        Path parent = run.getParent();
        Path fresh = parent.resolve("." + LATEST + "-" + run.getFileName());
        Files.deleteIfExists(fresh);
        Files.createSymbolicLink(fresh, run.getFileName());
        Files.move(fresh, parent.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Whether {@code child} of an experiment's folder is a run, not its {@code latest} link. */
    public static boolean isRun(Path child) {
        return Files.isDirectory(child) && !Files.isSymbolicLink(child);
    }

    /** Creates the new, empty folder {@code dir} (its parents as needed). */
    public static RunFolder at(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            return new RunFolder(Files.createDirectory(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the run folder " + dir + ": " + e.getMessage()
                    + ". Fix: check that its parent is writable, the disk has room and no such folder exists.", e);
        }
    }

    /** An existing run folder, to add to; reached through {@code latest}, the run it links to. */
    public static RunFolder existing(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException(dir + " is not a run folder"));
        }
        try {
            return new RunFolder(dir.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path path(String file) {
        return dir.resolve(file);
    }

    public void writeText(String file, String text) {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBytes(String file, byte[] bytes) {
        write(file, tmp -> Files.write(tmp, bytes));
    }

    public void writePng(String file, BufferedImage image) {
        write(file, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** Something that fills a temporary file. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path tmp) throws IOException;
    }

    /** Lets {@code writer} fill a temporary file, then moves it to {@code file} in one step. */
    public void write(String file, Writer writer) {
        Path target = dir.resolve(file);
        Path tmp = dir.resolve("." + file + ".tmp");
        try {
            writer.writeTo(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The original failure is the one worth reporting.
            }
            throw new UncheckedIOException("Could not write " + target + ": " + e.getMessage()
                    + ". Fix: free disk space or choose another output.dir; files already written are kept.", e);
        }
    }
}
