/**
 * The runner's side of tracking: every tracker {@code tracking.type} names records the same run
 * ({@link org.fmnist.runner.tracking.RunTrackers}), through core's {@link org.fmnist.core.tracking.RunTracker};
 * {@code none} records nothing. Trackers themselves are plugins (fmnist-mlflow's {@code mlflow}).
 */
package org.fmnist.runner.tracking;
