package org.fmnist.runner.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.TrainingPlan;
import org.junit.jupiter.api.Test;

/** What training prints: a bar within each epoch on a terminal, plain epoch lines anywhere else. */
class ConsoleProgressTest {

    /** Two epochs of four batches of 1,000 images, as the trainer reports them. */
    private static String train(boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ConsoleProgress progress = new ConsoleProgress(out, terminal);
        progress.onTrainingStart(new TrainingPlan(2, 4, 4_000, "validation", 500, 0));
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (int batch = 1; batch <= 4; batch++) {
                progress.onBatchEnd(epoch, batch, 4, 0.5);
            }
            progress.onEpochEnd(new EpochMetrics(epoch, 0.5, 0.8, "validation", 0.6, 0.78, 1.0, 4000, 0.001));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalEachEpochHasABarWithItsSpeedAndTheTimeLeft() {
        String shown = train(true);

        assertTrue(shown.contains("epoch 1/2") && shown.contains("epoch 2/2"), shown);
        assertTrue(shown.contains("img/s"), "images per second: " + shown);
        assertTrue(shown.contains("left"), "the run's time left: " + shown);
        assertTrue(shown.contains("\r"), "the bar redraws in place: " + shown);
        assertEquals(2, shown.lines().filter(l -> l.strip().startsWith("epoch ") && l.contains("train loss")).count(), shown);
    }

    @Test
    void elsewhereOnlyPlainLines() {
        String logged = train(false);

        assertFalse(logged.contains("\r") || logged.contains("\u001b"), "no control characters in a log: " + logged);
        assertEquals(3, logged.lines().count(), "the plan, then one line per epoch: " + logged);
        assertTrue(logged.lines().skip(1).allMatch(l -> l.startsWith("epoch ") && l.contains("validation loss")), logged);
    }
}
