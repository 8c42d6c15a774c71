package org.fmnist.spark;

import com.google.inject.Injector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.io.FileUtils;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.DataSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.runner.NativeMemoryGuard;
import org.fmnist.runner.RunnerMain;
import org.fmnist.runner.experiment.RunPreparation;
import org.fmnist.runner.job.JobRunner;
import org.fmnist.runner.job.RunJob;

/**
 * One sweep point, run inside a Spark executor: reads the job, finds the data (the worker's own
 * copy by the usual search, else the copy the driver shipped with the application), runs the job
 * into a scratch folder and sends that folder back zipped. The run records nothing in any tracker
 * itself: it sends each epoch to the driver as it trains ({@link EpochReport}), and the driver records
 * those and, once the result is in, the rest, so that a task Spark runs again after losing a worker is
 * recorded once. A point's own failure is caught and returned; only lost executors are Spark's to retry.
 */
final class PointTask implements Function<PointTask.PointJob, PointResult> {
    private static final long serialVersionUID = 1L;

    /**
     * A point's job as it travels to the executor: its number, the job's JSON and, for a job that resumes
     * the point, its run folder zipped ({@link RunFolderArchive}); null for a job that starts it.
     */
    record PointJob(int point, String json, byte[] folder) implements java.io.Serializable {}

    /** Whether the driver shipped the data set's files with the application ({@code SparkContext.addFile}). */
    private final boolean dataShipped;
    /** Where the point's epochs go as it trains ({@link EpochRelay}), and the token the driver takes them with. */
    private final String epochRelay;
    private final String epochToken;

    PointTask(boolean dataShipped, String epochRelay, String epochToken) {
        this.dataShipped = dataShipped;
        this.epochRelay = epochRelay;
        this.epochToken = epochToken;
    }

    @Override
    public PointResult call(PointJob pointJob) throws Exception {
        long start = System.nanoTime();
        RunJob job = JsonMapperFactory.create().readValue(pointJob.json(), RunJob.class);
        int point = pointJob.point();
        TaskContext task = TaskContext.get();
        String executor = task == null ? "driver" : org.apache.spark.SparkEnv.get().executorId();
        int attempt = task == null ? 0 : task.attemptNumber();
        // One line in the executor's own log, so an operator (and the cluster test) sees which point runs where.
        System.err.printf("fmnist: point %d, attempt %d, started on executor %s%n", point, attempt + 1, executor);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        // Attempts of executors killed mid-point left their folders; they can no longer finish.
        int orphans = PointScratch.removeOrphans(tmp);
        if (orphans > 0) {
            System.err.printf("fmnist: removed %d scratch folder(s) of point attempts whose executor is gone%n", orphans);
        }
        Path scratch = PointScratch.create(tmp);
        Path folder = scratch.resolve(job.runFolder().getFileName());
        String foundBy = "";
        double dataCheck = 0;
        try {
            if (pointJob.folder() != null) {
                RunFolderArchive.unzip(pointJob.folder(), folder);
            }
            DataSpec data = job.resolved(new SpecMapper()).spec().data();
            DataChoice choice = chooseData(RunPreparation.locator(data, System.getenv()).find(), dataShipped,
                    dataShipped ? SparkFiles.getRootDirectory() : null, System.getenv());
            Map<String, String> environment = choice.environment();
            foundBy = choice.foundBy();
            dataCheck = (System.nanoTime() - start) / 1e9;
            Invocation invocation = new Invocation(console, console, false, environment, Clock.systemDefaultZone());
            Injector injector = RunnerMain.injector(invocation, NativeMemoryGuard.unchanged());
            injector.getInstance(JobRunner.class).execute(job.in(folder).trackedByReceiver(), invocation,
                    new EpochReport(java.net.URI.create(epochRelay), epochToken, point));
            return result(point, folder, null, printed, executor, attempt, foundBy, dataCheck, start);
        } catch (Exception | Error e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            console.println("error: " + why);
            return result(point, folder, why, printed, executor, attempt, foundBy, dataCheck, start);
        } finally {
            // The result is made; a scratch folder that will not go is the next attempt's to remove, not a failure.
            try {
                FileUtils.deleteDirectory(scratch.toFile());
            } catch (IOException e) {
                System.err.printf("fmnist: point %d's scratch folder %s was not removed: %s%n", point, scratch, e.getMessage());
            }
        }
    }

    /** The environment a point's run gets, and how it will find the data. */
    record DataChoice(Map<String, String> environment, String foundBy) {}

    /**
     * The worker's own copy when the usual search finds one; else the copy the driver shipped, by
     * pointing {@code FMNIST_DATA} at it; else the run downloads it, as a run on this machine would.
     * Whichever it is, the run checks the four files' MD5s before it uses them.
     */
    static DataChoice chooseData(Optional<DataLocator.Place> own, boolean shipped, String shippedDir,
                                 Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        if (own.isPresent()) {
            return new DataChoice(env, own.get().rule());
        }
        if (shipped) {
            env.put(DataLocator.ENV_VAR, shippedDir);
            return new DataChoice(env, "shipped by the driver");
        }
        return new DataChoice(env, "downloaded by the executor");
    }

    private static PointResult result(int point, Path folder, String failure, ByteArrayOutputStream printed,
                                      String executor, int attempt, String foundBy, double dataCheck, long start)
            throws IOException {
        byte[] zipped = Files.isDirectory(folder) ? RunFolderArchive.zip(folder) : null;
        return new PointResult(point, zipped, failure, printed.toString(StandardCharsets.UTF_8), executor, attempt,
                foundBy, dataCheck, (System.nanoTime() - start) / 1e9);
    }
}
