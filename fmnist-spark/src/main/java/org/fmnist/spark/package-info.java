/**
 * The {@code spark} sweep executor: each point of a sweep is one task of a Spark application, run
 * in an executor JVM from its portable {@link org.fmnist.runner.job.RunJob}, its run folder sent back
 * to the driver, which records it in the trackers. Local mode ({@code local[N]}) and standalone
 * clusters ({@code spark://HOST:PORT}) are tested; YARN and Kubernetes go through {@code spark-submit}.
 */
package org.fmnist.spark;
