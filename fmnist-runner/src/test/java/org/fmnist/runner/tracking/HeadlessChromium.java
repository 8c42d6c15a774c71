package org.fmnist.runner.tracking;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A page as a user's browser shows it: Debian's {@code chromium}, headless, runs the page's scripts
 * (the MLflow UI is a single-page app, so its HTML alone says nothing), then gives the resulting
 * document and a screenshot. {@code .ci/run} installs it.
 */
final class HeadlessChromium {
    /** Scripts, API calls and charts get this much of the browser's virtual time before the page is read. */
    private static final int SETTLE_MILLIS = 30_000;

    private HeadlessChromium() {}

    /** The rendered document of {@code page}; its screenshot goes to {@code screenshot}. */
    static String render(URI page, Path screenshot) throws IOException, InterruptedException {
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        run(page, "--screenshot=" + screenshot.toAbsolutePath());
        return run(page, "--dump-dom");
    }

    private static String run(URI page, String what) throws IOException, InterruptedException {
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--window-size=1400,900", "--virtual-time-budget=" + SETTLE_MILLIS, what, page.toString()));
        Process browser;
        try {
            browser = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("Cannot start chromium: " + e.getMessage() + ". Fix: apt-get install chromium (.ci/run does)", e);
        }
        String out = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!browser.waitFor(2, TimeUnit.MINUTES) || browser.exitValue() != 0) {
            browser.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
