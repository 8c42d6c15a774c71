package org.fmnist.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.runner.RunnerMainAccess;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a picocli user expects it: whole summaries, an example everywhere, forgiving typos. */
class CommandLineTest {
    /** The runner's commands and its plugins' (fmnist-mlflow's), as their annotations declare them. */
    private static final List<CommandLine.Command> COMMANDS = RunnerMainAccess.commandLine().getSubcommands().values().stream()
            .map(c -> c.getCommand().getClass().getAnnotation(CommandLine.Command.class)).distinct().toList();

    /** Help text with its line wrapping undone, to find a sentence wherever picocli broke it. */
    private static String unwrapped(String help) {
        return help.lines().map(String::strip).collect(Collectors.joining(" "));
    }

    @Test
    void theTopLevelHelpShowsEveryCommandsWholeSummary() {
        RunnerMainAccess.Outcome help = RunnerMainAccess.run(Map.of(), "--help");

        assertEquals(0, help.exit());
        assertTrue(COMMANDS.stream().map(CommandLine.Command::name).toList().containsAll(List.of("ui", "sync", "register")),
                "fmnist-mlflow's commands joined: " + COMMANDS);
        String text = unwrapped(help.out());
        for (CommandLine.Command command : COMMANDS) {
            String[] header = command.header();
            assertEquals(1, header.length, command.name() + " has a one-sentence header");
            assertTrue(header[0].endsWith("."), command.name() + ": " + header[0]);
            assertTrue(text.contains(header[0]), command.name() + "'s summary, whole, in: " + help.out());
        }
    }

    @Test
    void everyCommandsHelpHasAnExample() {
        for (CommandLine.Command command : COMMANDS) {
            RunnerMainAccess.Outcome help = RunnerMainAccess.run(Map.of(), command.name(), "--help");
            assertEquals(0, help.exit(), command.name());
            assertTrue(help.out().contains("Example: ./runner " + command.name()), help.out());
        }
        assertTrue(RunnerMainAccess.run(Map.of(), "--help").out().contains("Example: ./runner experiments/"));
    }

    @Test
    void aMistypedCommandGetsADidYouMean() {
        RunnerMainAccess.Outcome swapped = RunnerMainAccess.run(Map.of(), "comapre", "runs");
        RunnerMainAccess.Outcome short_ = RunnerMainAccess.run(Map.of(), "ensem", "runs");
        RunnerMainAccess.Outcome spec = RunnerMainAccess.run(Map.of(), "experiments/nothing.yaml");

        assertEquals(ExitCode.BAD_INPUT, swapped.exit());
        assertTrue(swapped.err().contains("Did you mean compare?"), swapped.err());
        assertTrue(short_.err().contains("Did you mean ensemble?"), short_.err());
        assertFalse(spec.err().contains("Did you mean"), "a path is a spec, not a command: " + spec.err());
        assertTrue(spec.err().contains("the spec file does not exist"), spec.err());
    }

    @Test
    void anErrorIsWordedForTheCommandAtHand() {
        RunnerMainAccess.Outcome ensemble = RunnerMainAccess.run(Map.of(), "ensemble", "no/such/runs");
        RunnerMainAccess.Outcome spec = RunnerMainAccess.run(Map.of(), "../experiments/baseline.yaml", "training.epochs=many");

        assertEquals(ExitCode.BAD_INPUT, ensemble.exit());
        assertTrue(ensemble.err().startsWith("runner ensemble: "), ensemble.err());
        assertFalse(ensemble.err().contains("spec"), "no spec was given to ensemble: " + ensemble.err());
        assertTrue(spec.err().startsWith("The experiment spec has a problem"), spec.err());
    }

    @Test
    void keysLineUpTheirMeanings() {
        RunnerMainAccess.Outcome keys = RunnerMainAccess.run(Map.of(), "keys");

        List<String> pushedDown = keys.out().lines().filter(l -> l.startsWith("        ")).toList();
        assertTrue(!pushedDown.isEmpty() && pushedDown.size() < 5, "a too-long default or type puts its meaning below it: "
                + keys.out() + keys.err());
        int column = pushedDown.get(0).length() - pushedDown.get(0).stripLeading().length();
        List<String> lines = keys.out().lines().toList();
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            String row = lines.get(i);
            if (!row.matches("  \\S.*")) {
                continue; // a pushed-down meaning, a blank line or the notes under the table
            }
            boolean pushesDown = i + 1 < lines.size() && lines.get(i + 1).startsWith(" ".repeat(column))
                    && lines.get(i + 1).charAt(column) != ' ';
            if (!pushesDown && row.length() > column) {
                assertTrue(row.charAt(column - 1) == ' ' && row.charAt(column) != ' ',
                        "the meaning starts at column " + column + ": '" + row + "'");
                checked++;
            }
        }
        assertTrue(checked > 30, keys.out());
    }
}
