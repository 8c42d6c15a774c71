package org.fmnist.runner.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {
    @TempDir
    Path repo;

    private void git(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 5];
        command[0] = "git";
        command[1] = "-c";
        command[2] = "user.name=test";
        command[3] = "-c";
        command[4] = "user.email=test@example.invalid";
        System.arraycopy(args, 0, command, 5, args.length);
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void aCleanCheckoutIsNotDirtyAndAnEditedOneIs() throws Exception {
        git("init", "-q");
        Files.writeString(repo.resolve("a.txt"), "one");
        git("add", "a.txt");
        git("commit", "-q", "-m", "first");

        Provenance.GitState clean = Provenance.GitState.of(repo);
        Files.writeString(repo.resolve("untracked.txt"), "not part of the code");
        Provenance.GitState withUntracked = Provenance.GitState.of(repo);
        Files.writeString(repo.resolve("a.txt"), "two");
        Provenance.GitState edited = Provenance.GitState.of(repo);

        assertEquals(40, clean.commit().length());
        assertEquals(false, clean.dirty());
        assertEquals(false, withUntracked.dirty());
        assertEquals(true, edited.dirty());
        assertEquals(clean.commit(), edited.commit());
    }

    @Test
    void outsideACheckoutBothAreUnknown() {
        Provenance.GitState none = Provenance.GitState.of(repo);

        assertNull(none.commit());
        assertNull(none.dirty());
    }
}
