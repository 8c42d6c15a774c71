package org.fmnist.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a researcher sees when something is wrong: the exit code and a message naming the fix. */
class RunnerExitCodesTest {
    @TempDir
    Path dir;

    private static RunnerMainAccess.Outcome run(String... args) {
        return RunnerMainAccess.run(Map.of(), args);
    }

    private Path spec(String yaml) throws IOException {
        return Files.writeString(dir.resolve("spec.yaml"), yaml);
    }

    @Test
    void helpExitsZero() {
        RunnerMainAccess.Outcome o = run("--help");
        assertEquals(0, o.exit());
        assertTrue(o.out().contains("KEY=VALUE") && o.out().contains("Exit codes"), o.out());
    }

    @Test
    void noSpecIsBadInputWithUsage() {
        RunnerMainAccess.Outcome o = run();
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("Usage: runner"), o.err());
    }

    @Test
    void anUnknownOptionIsBadInput() {
        assertEquals(2, run("--frobnicate").exit());
    }

    @Test
    void aBadSpecIsBadInputAndNamesFileKeyAndFix() throws IOException {
        Path spec = spec("name: x\nmodel: {type: dense}\ntraining: {epochs: ten}\n");
        RunnerMainAccess.Outcome o = run(spec.toString());

        assertEquals(2, o.exit());
        assertTrue(o.err().contains(spec.toString()) && o.err().contains("training.epochs") && o.err().contains("fix:"), o.err());
    }

    @Test
    void anUnknownModelTypeListsTheKnownOnes() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: transformer}\n").toString(), "output.dir=" + dir);

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("unknown model type 'transformer'") && o.err().contains("[cnn, cnn-deep, dense, resnet]"), o.err());
        assertFalse(Files.exists(dir.resolve("x")), "no run folder for a run that never started");
    }

    @Test
    void credentialsInTheMlflowUriAreRefusedBeforeAnythingRuns() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: dense}\n").toString(), "output.dir=" + dir,
                "tracking.mlflow.uri=http://alice:secret@127.0.0.1:5000");

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("tracking.mlflow") && o.err().contains("credentials")
                && o.err().contains("MLFLOW_TRACKING_PASSWORD"), o.err());
        assertFalse(Files.exists(dir.resolve("x")), "no run folder for a run that never started");
    }

    @Test
    void keysForATrackerNobodyRegisteredAreBadInput() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: dense}\n").toString(), "output.dir=" + dir,
                "tracking.wandb.project=x");

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("tracking.wandb") && o.err().contains("unknown tracker 'wandb'"), o.err());
    }

    @Test
    void anUnknownModelParameterIsBadInput() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: dense}\n").toString(), "model.hiden=64");

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("command line: model.hiden") && o.err().contains("hidden"), o.err());
    }

    @Test
    void aFractionForAModelsWholeNumberIsBadInputNotCut() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: dense}\n").toString(), "output.dir=" + dir,
                "model.hidden=64.5");

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("command line: model.hidden: '64.5' is not a whole number"), o.err());
        assertFalse(Files.exists(dir.resolve("x")), "no run folder for a run that never started");
    }

    @Test
    void aModelsOwnRulesAreAllReportedWithTheirSourceInWords() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: cnn, filters1: 0}\n").toString(), "output.dir=" + dir,
                "model.dropout=1.5");

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("spec.yaml:2: model.filters1: is 0; it must be at least 1"), o.err());
        assertTrue(o.err().contains("command line: model.dropout: is 1.5; it must be from 0 to below 1"), o.err());
        assertTrue(o.err().contains("./runner models"), o.err());
        assertFalse(o.err().contains("Cannot construct") || o.err().contains("$Parameters"), o.err());
        assertFalse(Files.exists(dir.resolve("x")), "no run folder for a run that never started");
    }

    @Test
    void aMalformedSparkMasterIsRefusedBeforeTheSweepRecordsAnything() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: dense}\nsweep: {grid: {model.hidden: [8, 16]}}\n").toString(),
                "output.dir=" + dir, "tracking.mlflow.store=" + dir.resolve("mlruns"), "sweep.executor=spark",
                "sweep.spark.master=not a url");

        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("command line: sweep.spark.master: is 'not a url'; it must be local"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
        assertFalse(Files.exists(dir.resolve("x")) || Files.exists(dir.resolve("mlruns")), "nothing recorded");
    }

    @Test
    void profilingOpsNeedsAnEpochBesidesTheProfiledOne() throws IOException {
        RunnerMainAccess.Outcome o = run("bench", spec("name: x\nmodel: {type: dense}\n").toString(), "training.epochs=1",
                "--profile-ops");

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("--profile-ops") && o.err().contains("training.epochs=2 or more"), o.err());
    }

    @Test
    void anUnknownTrackerIsBadInput() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: dense}\n").toString(), "tracking.type=wandb");

        assertEquals(2, o.exit());
        assertTrue(o.err().contains("tracking.type") && o.err().contains("wandb"), o.err());
    }

    @Test
    void anUnwritableOutputFolderFailsWithTheFix() throws IOException {
        RunnerMainAccess.Outcome o = run(spec("name: x\nmodel: {type: dense}\n").toString(), "output.dir=/proc/fmnist",
                "data.train_limit=100", "data.test_limit=100", "training.epochs=1");

        assertEquals(1, o.exit());
        assertTrue(o.err().contains("/proc/fmnist") && o.err().contains("output.dir"), o.err());
    }
}
