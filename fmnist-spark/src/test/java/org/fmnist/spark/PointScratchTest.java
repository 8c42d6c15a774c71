package org.fmnist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointScratchTest {
    @TempDir
    Path tmp;

    @Test
    void theFoldersOfOwnersThatAreGoneAreRemovedAndTheOthersKept() throws Exception {
        Path mine = PointScratch.create(tmp);
        Path orphan = PointScratch.create(tmp);
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(1, TimeUnit.MINUTES));
        Files.writeString(orphan.resolve(PointScratch.OWNER), gone.pid() + " " + gone.info().startInstant().map(Object::toString).orElse("?"));
        Files.writeString(orphan.resolve("model.zip"), "half written");
        Path beingMade = Files.createDirectory(tmp.resolve(PointScratch.PREFIX + "new"));

        assertEquals(1, PointScratch.removeOrphans(tmp));

        assertFalse(Files.exists(orphan), "the gone owner's folder");
        assertTrue(Files.isDirectory(mine), "a running owner's folder stays");
        assertTrue(Files.isDirectory(beingMade), "a folder not yet naming its owner stays");
    }

    @Test
    void aProcessIdTakenAgainByAnotherProcessIsNotTheOwner() throws Exception {
        Path folder = PointScratch.create(tmp);
        Files.writeString(folder.resolve(PointScratch.OWNER), ProcessHandle.current().pid() + " 2000-01-01T00:00:00Z");

        assertEquals(1, PointScratch.removeOrphans(tmp));
    }
}
