package org.fmnist.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
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
