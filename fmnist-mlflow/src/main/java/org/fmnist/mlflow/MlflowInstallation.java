package org.fmnist.mlflow;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.tracking.TrackingException;

/**
 * MLflow's own command line, for {@code runner ui} and the tests that start real servers: the one
 * {@code MLFLOW_CLI} names, else a virtualenv in the user cache with the pinned MLflow, made once
 * (about a minute) and reused. Pinned because the local store's file format and the REST API the
 * runner speaks are MLflow's, and a newer server is not what was tested.
 */
public final class MlflowInstallation {
    /** The MLflow version installed, the one the project is tested with. */
    public static final String VERSION = "3.17.2";
    /**
     * What the virtualenv holds, pinned: MLflow with its server's login, and what MLflow's {@code onnx}
     * flavor loads a run's model with ({@code mlflow.pyfunc.load_model}, {@code mlflow models serve}).
     * ONNX Runtime is the Python twin of the Java one fmnist checks its exports with.
     */
    public static final List<String> PACKAGES = List.of("mlflow[auth]==" + VERSION, "onnx==1.17.0", "onnxruntime==1.20.1");
    private static final Object THIS_JVM = new Object();

    private final Path venv;
    private final Map<String, String> environment;

    /** @param venv the virtualenv's folder */
    public MlflowInstallation(Path venv, Map<String, String> environment) {
        this.venv = venv;
        this.environment = environment;
    }

    /** The standard place: {@code $XDG_CACHE_HOME/fmnist/mlflow-VERSION} (or under {@code ~/.cache}). */
    public static MlflowInstallation inUserCache(Map<String, String> environment) {
        return new MlflowInstallation(DataLocator.defaultCache(environment).resolve("mlflow-" + VERSION), environment);
    }

    /**
     * The commands to use.
     *
     * @param cli the {@code mlflow} executable
     * @param python a Python that imports {@code mlflow}
     */
    public record Commands(String cli, String python) {}

    /**
     * {@code MLFLOW_CLI} (with {@code MLFLOW_PYTHON}, else {@code python3}) when set; else the
     * virtualenv, installed first when it is missing or was left half made.
     *
     * @param progress where to say that an installation is under way
     * @throws TrackingException (not transient) when it cannot be installed, saying what to install
     */
    public Commands ensure(PrintStream progress) {
        String given = environment.get("MLFLOW_CLI");
        if (given != null && !given.isBlank()) {
            return new Commands(given, environment.getOrDefault("MLFLOW_PYTHON", "python3"));
        }
        Commands installed = new Commands(venv.resolve("bin/mlflow").toString(), venv.resolve("bin/python").toString());
        Path complete = venv.resolve(".fmnist-complete");
        if (installedPackages(complete)) {
            return installed;
        }
        // Other runner processes may be installing too: one does, the others wait for it.
        synchronized (THIS_JVM) {
            try {
                Files.createDirectories(venv.getParent());
                try (FileChannel lock = FileChannel.open(venv.resolveSibling(venv.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = lock.lock()) {
                    if (!installedPackages(complete)) {
                        install(progress, Files.isExecutable(venv.resolve("bin/python")) && Files.isRegularFile(complete));
                        Files.writeString(complete, String.join("\n", PACKAGES) + "\n");
                    }
                }
            } catch (IOException e) {
                throw new TrackingException("Cannot install MLflow " + VERSION + " into " + venv + ": " + e.getMessage()
                        + ". Fix: free disk space there, or install it yourself (pip install " + String.join(" ", PACKAGES)
                        + ") and set MLFLOW_CLI to its mlflow.", false, e);
            }
        }
        return installed;
    }

    /** Whether the marker lists every package of {@link #PACKAGES}: an older virtualenv lacks some. */
    private static boolean installedPackages(Path complete) {
        try {
            return Files.isRegularFile(complete) && Files.readAllLines(complete).containsAll(PACKAGES);
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** @param addToExisting a finished virtualenv of fewer packages: pip adds the rest instead of starting over */
    private void install(PrintStream progress, boolean addToExisting) throws IOException {
        progress.println("installing MLflow " + VERSION + " and ONNX Runtime into " + venv + " (once; about a minute) ...");
        if (!addToExisting) {
            FileUtils.deleteDirectory(venv.toFile());
            run(List.of("python3", "-m", "venv", venv.toString()), "Python 3 with its venv module is needed to install MLflow."
                    + " Fix: apt-get install python3 python3-venv (or set MLFLOW_CLI to an mlflow executable)");
        }
        List<String> pip = new ArrayList<>(List.of(venv.resolve("bin/python").toString(), "-m", "pip", "install", "--quiet",
                "--disable-pip-version-check"));
        pip.addAll(PACKAGES);
        run(pip, "pip could not install " + String.join(" ", PACKAGES)
                + ". Fix: check that PyPI can be reached, or install them yourself and set MLFLOW_CLI");
    }

    private static void run(List<String> command, String fix) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TrackingException("Cannot run " + command.get(0) + ": " + e.getMessage() + ". " + fix, false, e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                List<String> tail = new ArrayList<>(output.lines().toList());
                throw new TrackingException(String.join(" ", command) + " failed: "
                        + String.join(" | ", tail.subList(Math.max(0, tail.size() - 3), tail.size())) + ". " + fix, false, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackingException("Interrupted while installing MLflow", true, e);
        }
    }
}
