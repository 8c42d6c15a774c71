package org.fmnist.core.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Where the {@code spark} sweep executor sends a sweep's points. */
public record SparkSpec(
        @JsonPropertyDescription("Spark master: local[N] (this JVM, N task slots), spark://HOST:PORT (a standalone cluster), or unset to take the one spark-submit passes (else local[*]).")
        String master,
        @JsonPropertyDescription("Spark settings passed through as they are, e.g. {spark.executor.memory: 2g}.")
        Map<String, String> conf,
        @JsonPropertyDescription("The most points running at once, as SparkTrials' parallelism (0: as many as the cluster's task slots take).")
        Integer parallelism,
        @JsonPropertyDescription("File holding the cluster's RPC secret (spark.authenticate); unset: .spark-cluster/secret, which bin/loopback-cluster writes, when the master is on 127.0.0.1 and the file exists.")
        String secretFile) {

    /**
     * The master URLs Spark takes: this JVM ({@code local}, {@code local[N]}, {@code local[*]}, with an
     * optional {@code ,F} retries), standalone masters ({@code spark://HOST:PORT}, comma-separated for
     * high availability), {@code yarn} and Kubernetes ({@code k8s://...}). Anything else is refused when
     * the spec is read, before a sweep records anything: Spark would only fail once started, with a trace.
     */
    private static final Pattern MASTER = Pattern.compile(
            "local(\\[(\\d+|\\*)(,\\d+)?])?|spark://[^\\s,:/]+:\\d+(,[^\\s,:/]+:\\d+)*|yarn|k8s://\\S+");

    public SparkSpec {
        conf = conf == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(conf));
        parallelism = parallelism == null ? 0 : parallelism;
        ParameterChecks.of()
                .require(master == null || master.isBlank() || MASTER.matcher(master.strip()).matches(),
                        "master", "'" + master + "'", "must be local, local[N], local[*], spark://HOST:PORT (comma-separated for"
                                + " several masters), yarn or k8s://URL")
                .require(parallelism >= 0, "parallelism", parallelism, "must be 0 (no cap) or more")
                .done();
    }
}
