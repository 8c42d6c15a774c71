package org.fmnist.runner.tracking;

/** MLflow's run states, with the numbers its file store writes. */
public enum RunStatus {
    RUNNING(1), FINISHED(3), FAILED(4), KILLED(5);

    private final int fileStoreCode;

    RunStatus(int fileStoreCode) {
        this.fileStoreCode = fileStoreCode;
    }

    int fileStoreCode() {
        return fileStoreCode;
    }

    static RunStatus ofFileStoreCode(int code) {
        for (RunStatus s : values()) {
            if (s.fileStoreCode == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown MLflow run status " + code);
    }
}
