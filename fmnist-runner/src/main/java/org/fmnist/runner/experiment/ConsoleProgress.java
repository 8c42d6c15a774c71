package org.fmnist.runner.experiment;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.TrainingListener;
import org.fmnist.core.train.TrainingPlan;

/**
 * One line per epoch; on a terminal, also a progress bar within each epoch with the images trained,
 * images per second, the epoch's elapsed and remaining time, and the time left for the run. The bar is the progressbar library's
 * (me.tongfei), which sizes itself to the terminal and redraws in place; where the output is not a
 * terminal (CI, a file), only the epoch lines are written, so logs hold no control characters.
 */
final class ConsoleProgress implements TrainingListener, AutoCloseable {
    private final PrintStream out;
    private final boolean terminal;
    private int epochs;
    private long imagesPerEpoch;
    private ProgressBar bar;
    /** When this process started training, and the epochs it has done since: the run's pace. */
    private long startNanos;
    private int epochsBefore;
    private int epochsDone;

    ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onTrainingStart(TrainingPlan plan) {
        epochs = plan.epochs();
        imagesPerEpoch = plan.trainImages();
        startNanos = System.nanoTime();
        out.printf("training on %,d images, %,d steps an epoch; evaluating on %,d %s images after each epoch%n",
                plan.trainImages(), plan.batchesPerEpoch(), plan.evalImages(), plan.evalSplit());
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int batches, double loss) {
        if (!terminal) {
            return;
        }
        if (bar == null) {
            if (epochsDone == 0) {
                epochsBefore = epoch - 1; // a resumed run starts after its checkpoint's epochs
            }
            bar = new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", epoch, epochs)).setInitialMax(imagesPerEpoch)
                    .setUnit(" img", 1).showSpeed().setStyle(ProgressBarStyle.UNICODE_BLOCK).setUpdateIntervalMillis(250)
                    .clearDisplayOnFinish().setConsumer(new ConsoleProgressBarConsumer(out)).build();
        }
        bar.stepTo(imagesPerEpoch * batch / batches);
        // The epoch's own elapsed and left times are the bar's; the run's follow, short enough for 80 columns.
        bar.setExtraMessage(" run " + runLeft(epoch - epochsBefore, (double) batch / batches) + " left");
    }

    /** The run's time left at this pace: seconds per epoch so far, times the epochs still to go. */
    private String runLeft(int epochThisProcess, double fractionOfEpoch) {
        double done = epochThisProcess - 1 + fractionOfEpoch;
        if (done <= 0) {
            return "?";
        }
        double perEpoch = (System.nanoTime() - startNanos) / 1e9 / done;
        Duration left = Duration.ofSeconds(Math.round(perEpoch * (epochs - epochsBefore - done)));
        return left.toHours() > 0 ? String.format("%dh%02dm", left.toHours(), left.toMinutesPart())
                : String.format("%dm%02ds", left.toMinutes(), left.toSecondsPart());
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        close();
        epochsDone++;
        out.printf("epoch %2d/%d  %6.1f s  %,8.0f img/s  train loss %.4f acc %.4f  %s loss %.4f acc %.4f  lr %.2e%n",
                m.epoch(), epochs, m.seconds(), m.samplesPerSecond(), m.trainLoss(), m.trainAccuracy(), m.evalSplit(),
                m.evalLoss(), m.evalAccuracy(), m.learningRate());
        out.flush();
    }

    /** Clears an epoch's bar; also when training stops within an epoch, so its error is not written after a bar. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
