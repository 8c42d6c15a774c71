package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs are tests: every command in a fenced shell block of {@code README.md} and {@code docs/*.md}
 * runs here, in a fresh clone of this checkout, from its root (where a user types them), exactly as
 * written, in the order the pages give them. Only the documented {@code FMNIST_*} environment layer
 * shrinks the data and the epochs; no command is edited.
 *
 * <p>A shell block is fenced as {@code bash}, or is a transcript: lines starting with {@code $ } are its
 * commands and the rest is their output. In a {@code bash} block every line is a command (a trailing
 * {@code \} continues it; {@code #} starts a comment). The line before a block may say how it ends:
 * {@code <!-- exit: N -->} for a block that shows a failure; {@code <!-- ctrl-c when it prints: TEXT -->}
 * for a command that runs until Ctrl-C, which the test presses, as the reader would, once TEXT appears;
 * {@code <!-- not run: REASON -->} for the few blocks that cannot run here, with why.
 */
class DocumentedCommandsIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The pages, in the order a reader meets them: the README, then the guides it links. */
    static final List<String> PAGES = List.of("README.md", "docs/experiments.md", "docs/models.md", "docs/captions.md",
            "docs/sweeps-and-clusters.md", "docs/tracking.md", "docs/extending.md", "docs/speed.md", "docs/results.md",
            "docs/tests.md");
    /** The documented configuration layer, shrinking every spec's data and epochs (docs/experiments.md). */
    static final Map<String, String> SMALL = Map.of("FMNIST_DATA__TRAIN_LIMIT", "2000", "FMNIST_DATA__TEST_LIMIT", "500",
            "FMNIST_TRAINING__EPOCHS", "1");
    private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
    private static final Pattern NOT_RUN = Pattern.compile("^<!-- not run: (.+) -->$");
    private static final Pattern EXIT = Pattern.compile("^<!-- exit: (\\d+) -->$");
    private static final Pattern CTRL_C = Pattern.compile("^<!-- ctrl-c when it prints: (.+) -->$");
    /** How a shell reports a command stopped by Ctrl-C (SIGINT, signal 2): 128 + 2. */
    private static final int INTERRUPTED = 130;

    @TempDir
    static Path dir;
    static Path clone;

    /**
     * One fenced shell block: where it is, its commands, the exit code they end with, the output after
     * which Ctrl-C stops it (null: none), and why it is not run (null when it is).
     */
    record Block(String page, int line, List<String> commands, int exit, String interruptAfter, String notRun) {
        String name() {
            return page + ":" + line;
        }
    }

    @BeforeAll
    static void cloneThisCheckout() throws Exception {
        clone = dir.resolve("fmnist");
        run(ROOT, "git", "clone", "--quiet", "--no-hardlinks", ROOT.toString(), clone.toString());
        // The working tree as it is: changed and new files (not ignored) over the last commit, deleted ones gone.
        for (String file : lines(run(ROOT, "git", "ls-files", "--modified", "--others", "--exclude-standard"))) {
            Path from = ROOT.resolve(file);
            if (Files.exists(from)) {
                Files.createDirectories(clone.resolve(file).getParent());
                Files.copy(from, clone.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        for (String file : lines(run(ROOT, "git", "ls-files", "--deleted"))) {
            Files.deleteIfExists(clone.resolve(file));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedCommandRunsAsWritten() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String page : PAGES) {
            for (Block block : blocks(page, Files.readAllLines(ROOT.resolve(page), StandardCharsets.UTF_8))) {
                if (block.notRun() == null) {
                    tests.add(DynamicTest.dynamicTest(block.name(), () -> runBlock(block)));
                }
            }
        }
        return tests.stream();
    }

    /** Every page with commands is listed above, and a block that is not run says why. */
    @Test
    void everyPageIsReadAndEverySkipHasAReason() throws IOException {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            for (Path page : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                assertTrue(PAGES.contains("docs/" + page.getFileName()), page + " is not in PAGES");
            }
        }
        int skipped = 0;
        int run = 0;
        for (String page : PAGES) {
            for (Block block : blocks(page, Files.readAllLines(ROOT.resolve(page), StandardCharsets.UTF_8))) {
                assertFalse(block.commands().isEmpty(), block.name() + " has no command");
                if (block.notRun() == null) {
                    run++;
                } else {
                    assertFalse(block.notRun().isBlank(), block.name());
                    skipped++;
                }
            }
        }
        assertTrue(run > 2 * skipped, run + " blocks run, " + skipped + " not: few may be left out");
    }

    /** The fenced shell blocks of one page. */
    static List<Block> blocks(String page, List<String> text) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            Matcher open = FENCE.matcher(text.get(i));
            if (!open.matches()) {
                continue;
            }
            int start = i;
            List<String> body = new ArrayList<>();
            for (i++; i < text.size() && !text.get(i).startsWith("```"); i++) {
                body.add(text.get(i));
            }
            boolean transcript = open.group(1).isEmpty() && body.stream().anyMatch(l -> l.startsWith("$ "));
            if (!open.group(1).equals("bash") && !transcript) {
                continue; // YAML, Java and plain listings are not commands
            }
            String before = start > 0 ? text.get(start - 1).strip() : "";
            Matcher notRun = NOT_RUN.matcher(before);
            Matcher exit = EXIT.matcher(before);
            Matcher ctrlC = CTRL_C.matcher(before);
            blocks.add(new Block(page, start + 1, commands(body), exit.matches() ? Integer.parseInt(exit.group(1)) : 0,
                    ctrlC.matches() ? ctrlC.group(1) : null, notRun.matches() ? notRun.group(1) : null));
        }
        return blocks;
    }

    /** The commands of a block's lines: its {@code $ } lines if it has any, else every line; continuations joined. */
    static List<String> commands(List<String> body) {
        boolean prompted = body.stream().anyMatch(l -> l.startsWith("$ "));
        List<String> commands = new ArrayList<>();
        StringBuilder pending = null;
        for (String line : body) {
            if (pending != null) {
                pending.append('\n').append(line);
                if (!line.endsWith("\\")) {
                    commands.add(pending.toString());
                    pending = null;
                }
                continue;
            }
            String command = prompted ? (line.startsWith("$ ") ? line.substring(2) : null) : line;
            if (command == null || command.isBlank() || command.strip().startsWith("#")) {
                continue;
            }
            if (command.endsWith("\\")) {
                pending = new StringBuilder(command);
            } else {
                commands.add(command);
            }
        }
        return commands;
    }

    /**
     * Runs a block's commands one after the other in one shell, from the clone's root, each checked for
     * the block's exit code; background jobs a block starts are stopped (Ctrl-C) when it ends.
     */
    private static void runBlock(Block block) throws Exception {
        if (block.interruptAfter() != null) {
            runUntilCtrlC(block);
            return;
        }
        StringBuilder script = new StringBuilder("trap 'kill -INT $(jobs -p) 2>/dev/null; wait' EXIT\n");
        for (String command : block.commands()) {
            script.append(command).append('\n')
                    .append("status=$?; if [ $status -ne ").append(block.exit()).append(" ]; then echo \"")
                    .append("docs-test: exited $status, not ").append(block.exit()).append(": \"").append(quoted(command))
                    .append(" >&2; exit 97; fi\n");
        }
        Path file = dir.resolve(block.page().replace('/', '-') + "-" + block.line() + ".sh");
        Files.writeString(file, script);
        Path log = dir.resolve(file.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).directory(clone.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb);
        Process p = pb.start();
        boolean ended = p.waitFor(40, TimeUnit.MINUTES);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        String tail = output.length() > 6000 ? "…" + output.substring(output.length() - 6000) : output;
        assertTrue(ended, block.name() + " did not finish within 40 minutes:\n" + tail);
        assertEquals(0, p.exitValue(), block.name() + " (" + String.join(" && ", block.commands()) + "):\n" + tail);
    }

    /**
     * Runs a block's one command until it prints {@code block.interruptAfter()}, then presses Ctrl-C
     * (SIGINT to the command's process, as a terminal sends it) and expects it to stop as a shell reports.
     */
    private static void runUntilCtrlC(Block block) throws Exception {
        assertEquals(1, block.commands().size(), block.name() + ": Ctrl-C stops one command");
        Path log = dir.resolve(block.page().replace('/', '-') + "-" + block.line() + ".log");
        // bash -c runs a lone command in place (exec), so the process is the command, as at a prompt. env
        // restores SIGINT's default first: a build started in the background of a script (nohup ... &)
        // inherits SIGINT ignored, and a command that ignores it cannot be stopped as a terminal stops it.
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT", "bash", "-c", block.commands().get(0))
                .directory(clone.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb);
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (!Files.readString(log).contains(block.interruptAfter())) {
                assertTrue(p.isAlive(), block.name() + " ended before it printed '" + block.interruptAfter() + "':\n"
                        + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, block.name() + " never printed '" + block.interruptAfter() + "'");
                Thread.sleep(100);
            }
            run(clone, "kill", "-INT", Long.toString(p.pid()));
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), block.name() + " did not stop on Ctrl-C:\n" + Files.readString(log));
            assertTrue(p.exitValue() == 0 || p.exitValue() == INTERRUPTED,
                    block.name() + " exited " + p.exitValue() + " on Ctrl-C:\n" + Files.readString(log));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * The reader's environment with the documented {@link #SMALL} layer; the user data folder (where
     * {@code ./runner ui} keeps its server) is the test's own, so a reader's UI is never touched.
     */
    private static void environment(ProcessBuilder pb) {
        pb.environment().putAll(SMALL);
        pb.environment().put("XDG_DATA_HOME", dir.resolve("data-home").toString());
    }

    private static String quoted(String command) {
        return "'" + command.replace("'", "'\\''").replace("\n", " ") + "'";
    }

    private static String run(Path in, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
        return out;
    }

    private static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }
}
