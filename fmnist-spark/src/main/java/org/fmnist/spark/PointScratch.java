package org.fmnist.spark;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.commons.io.FileUtils;

/**
 * The scratch folders points run in on an executor ({@code fmnist-point-*} in the temporary folder). An
 * attempt removes its own when it ends, however it ends; a JVM killed mid-point cannot, so each folder
 * names the JVM that owns it, and every attempt first removes the folders of owners that are gone.
 */
final class PointScratch {
    static final String PREFIX = "fmnist-point-";
    /** The owner's process id and start time: a process id alone may be taken again by a later process. */
    static final String OWNER = ".owner";

    private PointScratch() {}

    /** A new scratch folder in {@code tmp}, owned by this JVM. */
    static Path create(Path tmp) throws IOException {
        Path scratch = Files.createTempDirectory(tmp, PREFIX);
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(scratch.resolve(OWNER), self.pid() + " " + startOf(self).map(Instant::toString).orElse("?"));
        return scratch;
    }

    /** Removes the scratch folders in {@code tmp} whose owner is no longer running; returns how many. */
    static int removeOrphans(Path tmp) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path folder : folders) {
                Path owner = folder.resolve(OWNER);
                try {
                    // A folder without its owner's name is one being made right now: never another's to remove.
                    if (Files.isRegularFile(owner) && !running(Files.readString(owner).strip())) {
                        FileUtils.deleteDirectory(folder.toFile());
                        removed++;
                    }
                } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException goneMeanwhile) {
                    // Its owner removed it as it finished, or another attempt removed it first.
                }
            }
        }
        return removed;
    }

    private static boolean running(String owner) {
        String[] parts = owner.split(" ");
        try {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
            return process.filter(ProcessHandle::isAlive)
                    .filter(p -> parts.length < 2 || startOf(p).map(Instant::toString).orElse("?").equals(parts[1])).isPresent();
        } catch (NumberFormatException e) {
            return true; // not a file this class wrote: leave the folder alone
        }
    }

    private static Optional<Instant> startOf(ProcessHandle process) {
        return process.info().startInstant();
    }
}
