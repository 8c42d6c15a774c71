package org.fmnist.mlflow;

/** One logged value of a metric, as MLflow stores it. */
public record MetricPoint(String key, double value, long timestamp, long step) {}
