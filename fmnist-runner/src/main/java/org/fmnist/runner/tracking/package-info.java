/**
 * Recording runs in MLflow. Every run is first written to a local MLflow file store
 * ({@link org.fmnist.runner.tracking.LocalRunStore}, {@code mlruns/}), which real MLflow reads;
 * when a tracking server is configured, {@link org.fmnist.runner.tracking.RunReplicator} copies to
 * it whatever it does not hold yet. The same replication serves live runs and {@code runner sync},
 * so a server that is down or dies mid-run loses nothing: the local record is complete and a later
 * sync sends exactly what is missing.
 */
package org.fmnist.runner.tracking;
