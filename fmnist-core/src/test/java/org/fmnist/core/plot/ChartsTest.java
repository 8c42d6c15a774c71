package org.fmnist.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.ConfusionMatrix;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.train.EpochMetrics;
import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void heatmapShadesFrequentCellsDarker() {
        int[] labels = new int[100];
        int[] predicted = new int[100];
        for (int i = 0; i < 100; i++) {
            labels[i] = i % 10;
            predicted[i] = i % 10 == 6 && i < 30 ? 2 : i % 10;
        }
        BufferedImage img = ConfusionMatrixChart.render(ConfusionMatrix.of(labels, predicted), "t");

        // Cell centres: 130 + col*56 + 28, 60 + row*56 + 10 (above the number).
        int diagonal = brightness(img.getRGB(130 + 28, 60 + 10));
        int empty = brightness(img.getRGB(130 + 56 + 28, 60 + 10));
        int shirtAsPullover = brightness(img.getRGB(130 + 2 * 56 + 28, 60 + 6 * 56 + 10));
        assertTrue(diagonal < shirtAsPullover && shirtAsPullover < empty, diagonal + " " + shirtAsPullover + " " + empty);
    }

    private static Set<Integer> colours(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                colours.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return colours;
    }

    /** Every class name, the last column's included, lies inside the picture: nothing touches its edges. */
    @Test
    void theConfusionMatrixClipsNoLabel() {
        BufferedImage img = ConfusionMatrixChart.render(ConfusionMatrix.of(new int[] {0, 9}, new int[] {0, 9}), "t");

        for (int y = 0; y < img.getHeight(); y++) {
            for (int x : new int[] {0, 1, img.getWidth() - 2, img.getWidth() - 1}) {
                assertEquals(0xFFFFFF, img.getRGB(x, y) & 0xFFFFFF, "ink at the edge, x " + x + ", y " + y);
            }
        }
        for (int x = 0; x < img.getWidth(); x++) {
            assertEquals(0xFFFFFF, img.getRGB(x, img.getHeight() - 1) & 0xFFFFFF, "ink at the bottom edge, x " + x);
        }
    }

    @Test
    void sampleGridPicksHalfRightHalfWrongAndIsReproducible() {
        int n = 40;
        int[] labels = new int[n];
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            predicted[i] = i < 10 ? (i + 1) % 10 : i % 10;
        }
        Predictions p = new Predictions(new float[n * 10], predicted, labels);

        List<Integer> chosen = SampleGrid.choose(p, 16, 3);

        assertEquals(16, chosen.size());
        assertEquals(8, chosen.stream().filter(i -> i < 10).count());
        assertEquals(16, new HashSet<>(chosen).size());
        assertEquals(chosen, SampleGrid.choose(p, 16, 3));
        BufferedImage img = SampleGrid.render(new Split("test", new float[n * 784], labels), p, chosen, "t");
        assertTrue(img.getWidth() > 8 * 112 && img.getHeight() > 2 * 112);
    }

    @Test
    void sampleGridFillsWithRightAnswersWhenFewAreWrong() {
        int[] labels = {1, 2, 3, 4, 5};
        Predictions p = new Predictions(new float[50], new int[] {1, 2, 3, 4, 0}, labels);

        assertEquals(4, SampleGrid.choose(p, 4, 1).size());
        assertTrue(SampleGrid.choose(p, 4, 1).contains(4));
        assertEquals(5, SampleGrid.choose(p, 10, 1).size());
    }

    @Test
    void trainingCurvesDrawBothSeries() {
        List<EpochMetrics> h = List.of(new EpochMetrics(1, 0.6, 0.8, "test", 0.5, 0.82, 1, 1, 0.001),
                new EpochMetrics(2, 0.4, 0.86, "test", 0.45, 0.84, 1, 1, 0.001));

        BufferedImage img = TrainingCurves.render(h, 2, "t");
        BufferedImage unmarked = TrainingCurves.render(h, 0, "t");

        Set<Integer> colours = colours(img);
        assertTrue(colours.contains(0x1F77B4) && colours.contains(0xFF7F0E), "both series' colours drawn");
        assertTrue(colours.contains(0x2CA02C) && !colours(unmarked).contains(0x2CA02C), "the kept epoch is marked");
    }

    @Test
    void aDivergedRunStillGetsItsCurves() {
        // Training went to NaN in epoch 2: the epochs before it are drawn, and the run's chart is written.
        List<EpochMetrics> h = List.of(new EpochMetrics(1, 0.6, 0.8, "test", 0.5, 0.82, 1, 1, 0.001),
                new EpochMetrics(2, Double.NaN, 0.1, "test", Double.POSITIVE_INFINITY, 0.1, 1, 1, 0.001));
        List<EpochMetrics> diverged = List.of(new EpochMetrics(1, Double.NaN, 0.1, "test", Double.NaN, 0.1, 1, 1, 0.001));

        Set<Integer> colours = colours(TrainingCurves.render(h, 2, "t"));
        TrainingCurves.render(diverged, 1, "t");

        assertTrue(colours.contains(0x1F77B4) && colours.contains(0xFF7F0E), "both series' finite points drawn");
    }

    private static int brightness(int rgb) {
        return ((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF);
    }
}
