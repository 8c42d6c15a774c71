/**
 * fmnist-mlflow: recording runs in MLflow, as a plugin ({@link org.fmnist.mlflow.MlflowModule}). Every
 * run is first written to a local MLflow file store ({@link org.fmnist.mlflow.LocalRunStore},
 * {@code mlruns/}), which real MLflow reads; when a tracking server is configured,
 * {@link org.fmnist.mlflow.RunReplicator} copies to it whatever it does not hold yet. The same
 * replication serves live runs and {@code runner sync}, so a server that is down or dies mid-run loses
 * nothing: the local record is complete and a later sync sends exactly what is missing. The module also
 * brings the commands that work with these records ({@code ui}, {@code sync}, {@code register}) and
 * {@code predict}'s {@code models:/} references.
 */
package org.fmnist.mlflow;
