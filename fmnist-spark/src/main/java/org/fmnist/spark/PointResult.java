package org.fmnist.spark;

import java.io.Serializable;

/**
 * What a Spark task sends back for one sweep point.
 *
 * @param folder the point's run folder, zipped ({@link RunFolderArchive}); null when the run made none
 * @param failure why the point failed; null when it finished
 * @param console what the run printed, for the driver's console
 * @param executor the Spark executor that ran the task, and {@code attempt} which try of it this was
 * @param dataFoundBy how the executor found the data (its own copy, or the driver's)
 * @param dataCheckSeconds the time spent finding the data before the run
 * @param runSeconds the time the run took in the executor, data loading and outputs included
 */
record PointResult(int point, byte[] folder, String failure, String console, String executor, int attempt,
                   String dataFoundBy, double dataCheckSeconds, double runSeconds) implements Serializable {}
