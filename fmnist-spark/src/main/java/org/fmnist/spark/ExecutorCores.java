package org.fmnist.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * The cores each executor of the sweep's application offers, and whether any point has started, as
 * Spark's listener bus reports them: what the driver needs to tell a point no worker can take from one
 * that waits for a slot.
 */
final class ExecutorCores extends SparkListener {
    private final Map<String, Integer> cores = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile long lastJoin = System.nanoTime();

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded added) {
        cores.put(added.executorId(), added.executorInfo().totalCores());
        lastJoin = System.nanoTime();
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        cores.remove(removed.executorId());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
        started.set(true);
    }

    /** The executors now registered. */
    int executors() {
        return cores.size();
    }

    /** The most cores one executor offers; 0 with none. */
    int largest() {
        return cores.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    boolean anyPointStarted() {
        return started.get();
    }

    /** Seconds since the last executor joined, or since this listener was made. */
    double secondsSinceLastJoin() {
        return (System.nanoTime() - lastJoin) / 1e9;
    }
}
