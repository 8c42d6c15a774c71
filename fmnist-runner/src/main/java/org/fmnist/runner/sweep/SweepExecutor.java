package org.fmnist.runner.sweep;

import java.util.List;

/**
 * Runs the points of a sweep. An executor decides where points run and how many at once; it never
 * changes what a point computes, so a sweep gives the same numbers on any executor.
 */
public interface SweepExecutor {

    /** What running one point means, supplied by the runner. */
    @FunctionalInterface
    interface PointTask {
        /**
         * Runs {@code point} to its end.
         *
         * @throws Exception when the point fails; the executor records it and goes on with the others
         */
        PointOutcome run(SweepPoint point) throws Exception;
    }

    /**
     * Runs every point and returns their outcomes in point order. A point that throws becomes a
     * failed outcome; the other points still run.
     *
     * @param parallel how many points the spec allows at once ({@code sweep.parallel})
     */
    List<PointOutcome> runAll(List<SweepPoint> points, PointTask task, int parallel);
}
