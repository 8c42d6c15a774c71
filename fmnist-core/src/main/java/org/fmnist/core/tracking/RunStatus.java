package org.fmnist.core.tracking;

/** How a run ended, or that it still runs: the states MLflow and most trackers know. */
public enum RunStatus {
    RUNNING, FINISHED, FAILED, KILLED
}
