package org.fmnist.runner.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.fmnist.core.spec.AshaSpec;
import org.fmnist.core.train.EpochCheckpoint;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.runner.experiment.ExperimentRun;
import org.fmnist.runner.folder.RunOutputs;

/**
 * A successive-halving search run on an executor's session: the driver's side of ASHA. It keeps the
 * session's slots busy with the steps {@link SuccessiveHalving} decides, each a job: a trial's first job
 * trains it to the first rung and pauses, keeping its epoch checkpoint; a promotion resumes that folder to
 * the next rung, so a trial that reaches the last rung has trained exactly as an uninterrupted run.
 */
final class AshaSearch {
    private final SweepExecutor.Session session;
    private final AshaSpec asha;
    private final String metric;
    private final PrintStream out;

    /** @param metric the validation metric trials are compared on at every rung */
    AshaSearch(SweepExecutor.Session session, AshaSpec asha, String metric, PrintStream out) {
        this.session = session;
        this.asha = asha;
        this.metric = metric;
        this.out = out;
    }

    /** A step's job when it completes: how the trial stands. */
    private record Reported(SuccessiveHalving.Step step, PointOutcome outcome) {}

    /**
     * Runs the search over {@code trials}, each given as the job that would train it from scratch in its
     * own folder, and returns each trial's last outcome in trial order: finished, paused at the rung where
     * the search stopped it, or failed.
     */
    List<PointOutcome> run(List<SweepJob> trials, boolean resumed) throws InterruptedException, IOException {
        int rungs = asha.rungs().size();
        SuccessiveHalving decisions = new SuccessiveHalving(rungs, asha.reduction(), trials.size(),
                SweepTable.lowerIsBetter(metric));
        Map<Integer, PointOutcome> last = new TreeMap<>();
        BlockingQueue<Reported> reports = new LinkedBlockingQueue<>();
        Deque<SuccessiveHalving.Step> underWay = resumed ? restore(trials, decisions, last) : new ArrayDeque<>();
        int running = 0;
        while (true) {
            while (running < session.slots()) {
                Optional<SuccessiveHalving.Step> next = underWay.isEmpty() ? decisions.next()
                        : Optional.of(underWay.removeFirst());
                if (next.isEmpty()) {
                    break;
                }
                SuccessiveHalving.Step step = next.get();
                SweepJob job = job(trials.get(step.trial() - 1), step.rung());
                if (step.rung() > 0) {
                    int below = step.rung() - 1;
                    out.printf("asha: point %d goes on to epoch %d, in the top 1/%d of the %d points that reached epoch %d%n",
                            step.trial(), asha.rungs().get(step.rung()), asha.reduction(), decisions.ranked(below).size(),
                            asha.rungs().get(below));
                }
                session.start(job).whenComplete((outcome, e) -> reports.add(new Reported(step, e == null ? outcome
                        : PointOutcome.failed(job, String.valueOf(e.getMessage())))));
                running++;
            }
            if (running == 0) {
                return List.copyOf(last.values());
            }
            Reported r = reports.take();
            running--;
            last.put(r.step().trial(), r.outcome());
            if (r.outcome().paused()) {
                double value = r.outcome().metrics().get(metric);
                decisions.reached(r.step().trial(), r.step().rung(), value);
                out.printf(Locale.ROOT, "asha: point %d reached epoch %d with %s %.4f, rank %d of %d there%n", r.step().trial(),
                        r.outcome().pausedAfter(), metric, value, decisions.ranked(r.step().rung()).indexOf(r.step().trial()) + 1,
                        decisions.ranked(r.step().rung()).size());
            }
        }
    }

    /**
     * The job that trains a trial to rung {@code rung}: on from its checkpoint when it has one, else (the first
     * rung, or a checkpoint lost) from scratch, which gives the same numbers in more time.
     */
    private SweepJob job(SweepJob fromScratch, int rung) throws IOException {
        return fromScratch.continued().pausingAfter(rung < asha.rungs().size() - 1 ? asha.rungs().get(rung) : null);
    }

    /**
     * What an interrupted search had done, read from its trials' folders, told to {@code decisions}: the rungs
     * each trial reached and its metric there (from its epochs), which trials had gone on past a rung, and
     * how many had started. A finished trial's and a paused trial's outcomes go to {@code last}.
     *
     * @return the steps that were under way, to start again first: a trial between rungs goes on to the next
     */
    private Deque<SuccessiveHalving.Step> restore(List<SweepJob> trials, SuccessiveHalving decisions,
                                                  Map<Integer, PointOutcome> last) throws IOException {
        List<Integer> rungs = asha.rungs();
        Deque<SuccessiveHalving.Step> underWay = new ArrayDeque<>();
        int started = 0;
        for (SweepJob trial : trials) {
            if (Files.isDirectory(trial.run().runFolder())) {
                started = trial.point().index();
            }
        }
        decisions.startedUpTo(started);
        for (SweepJob trial : trials.subList(0, started)) {
            Path folder = trial.run().runFolder();
            boolean finished = Files.isRegularFile(folder.resolve("metrics.json"));
            List<EpochMetrics> epochs = finished ? RunOutputs.epochs(folder) : Files.isDirectory(folder)
                    ? EpochCheckpoint.history(folder.resolve(ExperimentRun.CHECKPOINTS)) : List.of();
            int index = trial.point().index();
            int next = 0;
            for (int rung = 0; rung < rungs.size() && rungs.get(rung) <= epochs.size(); rung++) {
                decisions.reached(index, rung, valueOf(epochs.get(rungs.get(rung) - 1)));
                if (rungs.get(rung) < epochs.size()) {
                    decisions.promotedOutOf(index, rung);
                }
                next = rung + 1;
            }
            boolean atRung = next > 0 && rungs.get(next - 1) == epochs.size();
            if (finished) {
                last.put(index, PointOutcome.read(trial));
            } else if (atRung && next < rungs.size()) {
                last.put(index, PointOutcome.read(trial.pausingAfter(epochs.size())));
            } else {
                underWay.add(new SuccessiveHalving.Step(index, Math.min(next, rungs.size() - 1)));
            }
        }
        out.printf("asha: resumed with %d point(s) finished, %d paused at a rung and %d under way; %d still to start%n",
                last.values().stream().filter(o -> !o.paused()).count(), last.values().stream().filter(PointOutcome::paused).count(),
                underWay.size(), trials.size() - started);
        return underWay;
    }

    /** The search's metric in an epoch's validation results. */
    private double valueOf(EpochMetrics epoch) {
        return metric.equals("val_loss") ? epoch.evalLoss() : epoch.evalAccuracy();
    }
}
