package org.fmnist.runner;

import java.io.PrintStream;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.TrainingListener;
import org.fmnist.core.train.TrainingPlan;

/** One line per epoch, and on a terminal a progress bar that redraws itself within the epoch. */
final class ConsoleProgress implements TrainingListener {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private int epochs;
    private int lastDrawn = -1;

    ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onTrainingStart(TrainingPlan plan) {
        epochs = plan.epochs();
        out.printf("training on %,d images, %,d steps an epoch; evaluating on %,d %s images after each epoch%n",
                plan.trainImages(), plan.batchesPerEpoch(), plan.evalImages(), plan.evalSplit());
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int batches, double loss) {
        if (!terminal) {
            return;
        }
        int filled = (int) ((long) batch * WIDTH / batches);
        int percent = (int) ((long) batch * 100 / batches);
        if (percent == lastDrawn) {
            return;
        }
        lastDrawn = percent;
        out.printf("\repoch %d/%d [%s%s] %3d%% loss %.4f", epoch, epochs, "=".repeat(filled), " ".repeat(WIDTH - filled),
                percent, loss);
        out.flush();
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        if (terminal) {
            out.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            lastDrawn = -1;
        }
        out.printf("epoch %2d/%d  %6.1f s  %,8.0f img/s  train loss %.4f acc %.4f  %s loss %.4f acc %.4f  lr %.2e%n",
                m.epoch(), epochs, m.seconds(), m.samplesPerSecond(), m.trainLoss(), m.trainAccuracy(), m.evalSplit(),
                m.evalLoss(), m.evalAccuracy(), m.learningRate());
        out.flush();
    }
}
