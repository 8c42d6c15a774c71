package org.fmnist.runner.tracking;

/** One logged value of a metric, as MLflow stores it. */
public record MetricPoint(String key, double value, long timestamp, long step) {}
