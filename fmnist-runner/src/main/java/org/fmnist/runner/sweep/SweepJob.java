package org.fmnist.runner.sweep;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;
import org.fmnist.core.train.EpochCheckpoint;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.job.RunJob;

/**
 * One point of a sweep as an executor receives it: which point, and the portable job that runs it.
 * The job names the point's run folder, so the outcome is read back from there wherever it ran. A
 * successive-halving search sends a point several jobs, each training it on to its next rung.
 *
 * @param count the points of the sweep, for the console's "point 3 of 27"
 */
public record SweepJob(SweepPoint point, RunJob run, int count) {

    /** {@code point 3 of 27: model.hidden=64}, with the epochs a search's job trains to. */
    public String title() {
        String rung = run.pauseAfterEpoch() != null ? " (to epoch " + run.pauseAfterEpoch() + ")"
                : run.resume() ? " (to its last epoch)" : "";
        return "point " + point.index() + " of " + count + ": " + point.label() + rung;
    }

    /**
     * This point's job picking up from its folder: on from the folder's last epoch checkpoint when it has
     * one, else from scratch, what an earlier attempt left in the folder removed.
     */
    public SweepJob continued() throws IOException {
        Path folder = run.runFolder();
        if (EpochCheckpoint.latestEpoch(folder.resolve(ExperimentRun.CHECKPOINTS)).isPresent()) {
            return new SweepJob(point, run.resuming(folder), count);
        }
        FileUtils.deleteDirectory(folder.toFile());
        return this;
    }

    /** This job pausing after {@code epoch}; null: training to the end. */
    public SweepJob pausingAfter(Integer epoch) {
        return new SweepJob(point, run.pausingAfter(epoch), count);
    }
}
