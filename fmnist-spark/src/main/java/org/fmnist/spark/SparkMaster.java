package org.fmnist.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.ConfigEntry$;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecProblem;

/**
 * The master a sweep's Spark application connects to, checked before the application starts:
 * Spark itself keeps retrying an unreachable standalone master for about a minute before it gives up.
 */
final class SparkMaster {
    /** How long a master has to accept a connection. */
    private static final int CONNECT_TIMEOUT_MILLIS = 3_000;

    private SparkMaster() {}

    /**
     * {@code sweep.spark.master} when given; else what {@code spark-submit} passed ({@code spark.master});
     * else every core of this machine in this JVM.
     */
    static String choose(String fromSpec) {
        if (fromSpec != null && !fromSpec.isBlank()) {
            return fromSpec.strip();
        }
        String submitted = System.getProperty("spark.master");
        return submitted != null && !submitted.isBlank() ? submitted : "local[*]";
    }

    /** The address a sweep on this machine binds to and names itself by. */
    static final String LOOPBACK = "127.0.0.1";
    private static final Pattern LOCAL_SLOTS = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

    /** Whether every process of the sweep runs on this machine: this JVM, or a standalone master on loopback. */
    static boolean isLoopback(String master) {
        return isLocal(master) || master.matches("spark://(127\\.0\\.0\\.1|localhost):\\d+");
    }

    /**
     * For a master in this JVM, that its task slots can take a point of {@code threads} task CPUs; Spark
     * itself would stop with a trace.
     *
     * @throws SpecException naming both numbers and the fixes
     */
    static void requireLocalSlots(String master, int threads) {
        Matcher local = LOCAL_SLOTS.matcher(master);
        if (!local.matches()) {
            return;
        }
        int slots = local.group(1) == null ? 1 : local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                : Integer.parseInt(local.group(1));
        if (slots < threads) {
            throw new SpecException(new SpecProblem("sweep.spark.master", "sweep.spark.master",
                    "'" + master + "' runs " + slots + " task slot(s) in this JVM, and each point trains on " + threads
                            + " threads, so it needs " + threads + " task CPUs",
                    "use local[" + threads + "] or local[*], or train each point on fewer threads (training.threads=" + slots + ")"));
        }
    }

    /**
     * Starts the sweep's Spark application. What Spark refuses while starting (a setting in
     * {@code sweep.spark.conf}, a master that turns the application away) is one line with its fix.
     *
     * @throws SpecException with Spark's own first line
     */
    static JavaSparkContext start(SparkConf conf) {
        try {
            return new JavaSparkContext(conf);
        } catch (RuntimeException | Error e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root.getMessage() == null ? root.toString() : firstLine(root.getMessage());
            throw new SpecException(new SpecProblem("sweep.spark", "sweep.spark", "Spark did not start: " + why,
                    "check sweep.spark.master and sweep.spark.conf ('./runner keys' lists the sweep's keys)"));
        }
    }

    /**
     * Reads each setting of {@code sweep.spark.conf} that Spark knows as Spark will read it, so that a value
     * it refuses is exit 2 naming the setting, before the application starts: Spark would refuse it only
     * while starting, logging a trace, and without naming the setting.
     *
     * @param sourceOf where a key of the spec came from
     * @throws SpecException naming every refused setting
     */
    static void requireValidSettings(Map<String, String> settings, java.util.function.Function<String, String> sourceOf) {
        // Spark registers its core settings when their holder is first used.
        org.apache.spark.internal.config.package$.MODULE$.getClass();
        SparkConf probe = new SparkConf(false);
        settings.forEach(probe::set);
        List<SpecProblem> problems = new ArrayList<>();
        settings.forEach((key, value) -> {
            ConfigEntry<?> entry = ConfigEntry$.MODULE$.findEntry(key);
            if (entry != null) {
                try {
                    probe.get(entry);
                } catch (RuntimeException e) {
                    problems.add(new SpecProblem(sourceOf.apply("sweep.spark.conf." + key), "sweep.spark.conf", key + ": Spark refuses '" + value + "': "
                            + firstLine(String.valueOf(e.getMessage())), "see " + key + " in Spark's configuration page"));
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
    }

    /** The first line of a message. */
    static String firstLine(String text) {
        return text.lines().findFirst().orElse(text);
    }

    /** Whether tasks run in this JVM rather than in executors a cluster starts. */
    static boolean isLocal(String master) {
        return master.startsWith("local");
    }

    /**
     * For a standalone master ({@code spark://HOST:PORT}, or several for high availability), checks
     * that one accepts connections; other masters are left to Spark.
     *
     * @throws SpecException naming the URL and the fix when none does
     */
    static void requireReachable(String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            URI address = URI.create("spark://" + hostPort.strip());
            if (address.getHost() == null || address.getPort() < 0) {
                throw new SpecException(new SpecProblem("sweep.spark.master", "sweep.spark.master",
                        "'" + master + "' is not of the form spark://HOST:PORT", "e.g. spark://127.0.0.1:7077"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address.getHost(), address.getPort()), CONNECT_TIMEOUT_MILLIS);
                return;
            } catch (IOException e) {
                failures.add(hostPort.strip() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        throw new SpecException(new SpecProblem("sweep.spark.master", "sweep.spark.master",
                "the Spark master " + master + " cannot be reached (" + String.join("; ", failures) + ")",
                "start it (a cluster on this machine: bin/loopback-cluster start), or point sweep.spark.master at a"
                        + " running master, or use local[2] to run the points in this JVM"));
    }
}
