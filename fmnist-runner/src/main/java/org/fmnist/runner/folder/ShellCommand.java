package org.fmnist.runner.folder;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The runner command a folder records ({@code command.txt}, a sweep's table), written so that a POSIX shell
 * reads back exactly the arguments the runner was given: an argument with a space, bracket, brace or quote
 * (a YAML value such as {@code sweep.asha.rungs=[1, 2]}) goes in single quotes.
 */
public final class ShellCommand {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./=:,@%+-]+");

    private ShellCommand() {}

    /** {@code ./runner} and {@code args}, each quoted where a shell would split or expand it. */
    public static String of(List<String> args) {
        return "./runner " + args.stream().map(ShellCommand::quote).collect(Collectors.joining(" "));
    }

    static String quote(String arg) {
        return PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
