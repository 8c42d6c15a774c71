package org.fmnist.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.ConfigEntry$;
import org.apache.spark.internal.config.package$;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.RpcEnv$;
import scala.Option;
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
    /** Where {@code bin/loopback-cluster} keeps the secret of a cluster started with its default state dir. */
    static final String LOOPBACK_SECRET = ".spark-cluster/secret";
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
     * For a standalone master, that it takes this application's RPC connection as configured in
     * {@code conf}: a master that asks for authentication the sweep lacks (or a secret that differs) would
     * otherwise turn the application away only after a minute of retries, each logged with a trace.
     *
     * @throws SpecException naming the master, what it said and the fix
     */
    static void requireAccepts(String master, SparkConf conf) {
        if (!master.startsWith("spark://")) {
            return;
        }
        SecurityManager security = new SecurityManager(conf, Option.empty(), package$.MODULE$.AUTH_SECRET_FILE());
        security.initializeAuth();
        RpcEnv probe = RpcEnv$.MODULE$.create("fmnist-master-check", LOOPBACK, 0, conf, security, true);
        String refusal = null;
        try {
            for (String hostPort : master.substring("spark://".length()).split(",")) {
                URI address = URI.create("spark://" + hostPort.strip());
                try {
                    probe.setupEndpointRef(new RpcAddress(address.getHost(), address.getPort()), "Master");
                    return;
                } catch (Exception e) { // Spark's own SparkException is checked, and undeclared
                    refusal = causes(e);
                }
            }
        } finally {
            probe.shutdown();
            probe.awaitTermination();
        }
        // Without a secret, a master that wants one says so (SASL); with one, a refusal is a secret that differs.
        boolean differing = conf.getBoolean("spark.authenticate", false);
        boolean lacking = !differing && refusal != null && refusal.toLowerCase(java.util.Locale.ROOT).contains("sasl");
        String problem = lacking ? "asks for Spark's authentication (spark.authenticate), which this sweep lacks"
                : differing ? "turned the connection away: its secret differs from the one this sweep gave"
                : "turned the connection away";
        throw new SpecException(new SpecProblem("sweep.spark.master", "sweep.spark.master",
                "the Spark master " + master + " " + problem + " (" + refusal + ")",
                lacking || differing ? "give the running cluster's secret: sweep.spark.secret_file=DIR/secret (bin/loopback-cluster"
                        + " start writes it; .spark-cluster/secret is read by default)" : "check that a Spark 3.5 master runs there"));
    }

    /** The messages of {@code e} and its causes, the deepest last, without repeats. */
    private static String causes(Throwable e) {
        java.util.LinkedHashSet<String> messages = new java.util.LinkedHashSet<>();
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                messages.add(firstLine(t.getMessage()).replaceFirst("^[\\w.$]+(Exception|Error): ", ""));
            }
        }
        return messages.isEmpty() ? e.toString() : messages.stream().reduce((a, b) -> b).orElseThrow();
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
        package$.MODULE$.getClass();
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

    /**
     * The cluster's RPC secret ({@code spark.authenticate}): read from {@code secretFile}, or, when that is
     * unset and the master is a standalone one on this machine, from {@value #LOOPBACK_SECRET} if that file
     * exists ({@code bin/loopback-cluster start} writes it there).
     *
     * @throws SpecException when the file given cannot be read or is empty
     */
    static Optional<String> secret(String master, String secretFile) {
        Path file;
        if (secretFile != null && !secretFile.isBlank()) {
            file = Path.of(secretFile);
        } else if (isLoopback(master) && !isLocal(master) && Files.isRegularFile(Path.of(LOOPBACK_SECRET))) {
            file = Path.of(LOOPBACK_SECRET);
        } else {
            return Optional.empty();
        }
        try {
            String secret = Files.readString(file).strip();
            if (secret.isEmpty()) {
                throw new IOException("it is empty");
            }
            return Optional.of(secret);
        } catch (IOException e) {
            throw new SpecException(new SpecProblem("sweep.spark.secret_file", "sweep.spark.secret_file",
                    "the cluster's secret cannot be read from " + file + ": " + e.getMessage(),
                    "give the secret file of the running cluster (bin/loopback-cluster start writes DIR/secret)"));
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
