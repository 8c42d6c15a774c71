package org.fmnist.runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.fmnist.core.data.DataSource;

/**
 * Where a run's result came from: code, libraries, machine, seed and data, as Tribuo keeps with
 * every model.
 *
 * @param gitCommit commit of the working tree the runner was started in, or null outside a checkout
 * @param gitDirty whether tracked files differed from that commit
 */
public record Provenance(String fmnistVersion, String gitCommit, Boolean gitDirty, String dl4jVersion,
                         String nd4jBackend, String javaVersion, String javaVm, String os, int cpuCores,
                         long maxHeapBytes, int threads, long seed, String dataDirectory, String dataFoundBy,
                         Map<String, String> dataMd5, List<String> command, Instant started, double wallSeconds) {

    /** The facts known before training; wall time is filled in by {@link #finished(double)}. */
    static Provenance collect(List<String> command, long seed, int threads, DataSource data, Instant started) {
        Properties versions = versions();
        GitState git = GitState.of(Path.of("").toAbsolutePath());
        return new Provenance(versions.getProperty("fmnist.version"), git.commit(), git.dirty(),
                versions.getProperty("dl4j.version"), "nd4j-native " + versions.getProperty("nd4j.classifier"),
                System.getProperty("java.version"), System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(), threads, seed,
                data.directory().toString(), data.foundBy(), data.md5(), List.copyOf(command), started, 0);
    }

    Provenance finished(double wall) {
        return new Provenance(fmnistVersion, gitCommit, gitDirty, dl4jVersion, nd4jBackend, javaVersion, javaVm, os,
                cpuCores, maxHeapBytes, threads, seed, dataDirectory, dataFoundBy, dataMd5, command, started, wall);
    }

    private static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = DataSource.class.getResourceAsStream("/fmnist-versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Versions stay unknown; provenance then says null rather than guessing.
        }
        return p;
    }

    /**
     * The checkout a directory belongs to.
     *
     * @param commit HEAD's commit, or null outside a git checkout (or without git)
     * @param dirty whether tracked files differ from HEAD; null when {@code commit} is
     */
    record GitState(String commit, Boolean dirty) {
        static GitState of(Path dir) {
            String commit = run(dir, "git", "rev-parse", "HEAD");
            if (commit == null || commit.isBlank()) {
                return new GitState(null, null);
            }
            String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
            return new GitState(commit.trim(), status == null ? null : !status.isBlank());
        }
    }

    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
