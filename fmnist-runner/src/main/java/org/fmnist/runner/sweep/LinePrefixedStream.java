package org.fmnist.runner.sweep;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A console for one of several runs printing at once: each whole line goes out with the run's
 * prefix, in one piece, so lines of parallel runs interleave but never mix.
 */
public final class LinePrefixedStream extends OutputStream {
    private final PrintStream target;
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private LinePrefixedStream(PrintStream target, String prefix) {
        this.target = target;
        this.prefix = prefix;
    }

    /** A print stream writing to {@code target}, every line starting with {@code prefix}. */
    public static PrintStream of(PrintStream target, String prefix) {
        return new PrintStream(new LinePrefixedStream(target, prefix), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void flush() {
        // Partial lines wait for their end; only whole lines are written.
    }

    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            flushLine();
        }
    }

    private void flushLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        synchronized (target) {
            target.println(prefix + text);
        }
    }
}
