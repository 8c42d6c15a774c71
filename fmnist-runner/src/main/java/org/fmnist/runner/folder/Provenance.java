package org.fmnist.runner.folder;

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
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.runner.NativeMemoryGuard;

/**
 * Where a run's result came from: code, libraries, machine, seed and data, as Tribuo keeps with
 * every model.
 *
 * @param gitCommit commit of the working tree the runner was started in, or null outside a checkout
 * @param gitDirty whether tracked files differed from that commit
 * @param nativeMemoryLimitBytes JavaCPP's guard on the process's resident size, 0 for none (see
 *     {@code NativeMemoryGuard}); null in provenance written before it was recorded
 * @param wallSeconds wall time of the process that finished the run
 * @param resumed when the run was resumed after an interruption, if it was
 */
public record Provenance(String fmnistVersion, String gitCommit, Boolean gitDirty, String dl4jVersion,
                         String nd4jBackend, String javaVersion, String javaVm, String os, int cpuCores,
                         long maxHeapBytes, int threads, Long nativeMemoryLimitBytes, long seed, String dataDirectory,
                         String dataFoundBy, Map<String, String> dataMd5, List<String> command, Instant started,
                         double wallSeconds, List<Instant> resumed) {

    public Provenance {
        resumed = resumed == null ? List.of() : List.copyOf(resumed);
    }

    /** The facts known before training; wall time is filled in by {@link #finished(double)}. */
    public static Provenance collect(List<String> command, long seed, int threads, DataSource data, Instant started) {
        Properties versions = versions();
        GitState git = GitState.of(Path.of("").toAbsolutePath());
        return new Provenance(versions.getProperty("fmnist.version"), git.commit(), git.dirty(),
                versions.getProperty("dl4j.version"), "nd4j-native " + versions.getProperty("nd4j.classifier"),
                System.getProperty("java.version"), System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(), threads,
                NativeMemoryGuard.limitBytes(), seed, data.directory().toString(), data.foundBy(), data.md5(),
                List.copyOf(command), started, 0, List.of());
    }

    public Provenance finished(double wall) {
        return new Provenance(fmnistVersion, gitCommit, gitDirty, dl4jVersion, nd4jBackend, javaVersion, javaVm, os,
                cpuCores, maxHeapBytes, threads, nativeMemoryLimitBytes, seed, dataDirectory, dataFoundBy, dataMd5, command,
                started, wall, resumed);
    }

    /** This provenance, noting a resumption at {@code at}. */
    public Provenance resumedAt(Instant at) {
        List<Instant> all = new java.util.ArrayList<>(resumed);
        all.add(at);
        return new Provenance(fmnistVersion, gitCommit, gitDirty, dl4jVersion, nd4jBackend, javaVersion, javaVm, os,
                cpuCores, maxHeapBytes, threads, nativeMemoryLimitBytes, seed, dataDirectory, dataFoundBy, dataMd5, command,
                started, wallSeconds, all);
    }

    /**
     * How the code and data of this process differ from {@code earlier}'s, one line each; empty when
     * they are the same (a rerun or a resumed run then computes what the earlier one did).
     */
    public List<String> differencesFrom(Provenance earlier) {
        List<String> lines = new java.util.ArrayList<>();
        if (!java.util.Objects.equals(gitCommit, earlier.gitCommit)) {
            lines.add("the code differs: commit " + gitCommit + " now, " + earlier.gitCommit + " then");
        } else if (Boolean.TRUE.equals(gitDirty) || Boolean.TRUE.equals(earlier.gitDirty)) {
            lines.add("the code may differ: commit " + gitCommit + " with uncommitted changes (now " + gitDirty
                    + ", then " + earlier.gitDirty + ")");
        }
        if (!java.util.Objects.equals(dataMd5, earlier.dataMd5)) {
            lines.add("the data differs: MD5s " + dataMd5 + " now, " + earlier.dataMd5 + " then");
        }
        if (!java.util.Objects.equals(dl4jVersion, earlier.dl4jVersion) || !java.util.Objects.equals(nd4jBackend, earlier.nd4jBackend)) {
            lines.add("the libraries differ: " + dl4jVersion + " " + nd4jBackend + " now, " + earlier.dl4jVersion + " "
                    + earlier.nd4jBackend + " then");
        }
        return lines;
    }

    /** The provenance a run folder saved. */
    public static Provenance read(Path file) throws IOException {
        return READER.readValue(file.toFile(), Provenance.class);
    }

    /** Lenient: provenance written by other fmnist versions may have keys this one lacks. */
    private static final com.fasterxml.jackson.databind.ObjectMapper READER = JsonMapperFactory.create()
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static Properties versions() {
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
