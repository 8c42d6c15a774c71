package org.fmnist.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.fmnist.core.data.FashionClass;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {
    private static final double EPS = 1e-12;

    // Six images: two shirts (one taken for a pullover), three pullovers (one taken for a shirt,
    // one for a coat), one coat. Expected values worked out by hand from these pairs.
    private final int[] labels = {6, 6, 2, 2, 2, 4};
    private final int[] predicted = {6, 2, 2, 6, 4, 4};

    @Test
    void confusionMatrixCountsEachPairOnce() {
        ConfusionMatrix m = ConfusionMatrix.of(labels, predicted);

        assertEquals(1, m.count(6, 6));
        assertEquals(1, m.count(6, 2));
        assertEquals(1, m.count(2, 2));
        assertEquals(1, m.count(2, 6));
        assertEquals(1, m.count(2, 4));
        assertEquals(1, m.count(4, 4));
        assertEquals(6, m.total());
        assertEquals(3, m.correct());
        assertEquals(3, m.support(2));
        assertEquals(2, m.predictedCount(2));
    }

    @Test
    void mostConfusedListsOffDiagonalCellsLargestFirst() {
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {6, 6, 6, 2, 5}, new int[] {2, 2, 0, 6, 7});

        List<ConfusionMatrix.ConfusedPair> top = m.mostConfused(2);

        assertEquals(new ConfusionMatrix.ConfusedPair(FashionClass.SHIRT, FashionClass.PULLOVER, 2), top.get(0));
        assertEquals(1, top.get(1).count());
        assertEquals(2, top.size());
    }

    @Test
    void perClassScoresMatchTheirDefinitions() {
        ClassificationReport r = ClassificationReport.of(ConfusionMatrix.of(labels, predicted));

        ClassificationReport.ClassMetrics shirt = r.of(FashionClass.SHIRT);
        assertEquals(0.5, shirt.precision(), EPS);   // predicted shirt twice, right once
        assertEquals(0.5, shirt.recall(), EPS);      // two shirts, one found
        assertEquals(0.5, shirt.f1(), EPS);
        ClassificationReport.ClassMetrics pullover = r.of(FashionClass.PULLOVER);
        assertEquals(0.5, pullover.precision(), EPS);
        assertEquals(1.0 / 3, pullover.recall(), EPS);
        assertEquals(0.4, pullover.f1(), EPS);       // 2pr/(p+r) = (1/3)/(5/6)
        ClassificationReport.ClassMetrics coat = r.of(FashionClass.COAT);
        assertEquals(0.5, coat.precision(), EPS);
        assertEquals(1.0, coat.recall(), EPS);
        assertEquals(3, pullover.support());
        assertEquals(0.5, r.accuracy(), EPS);
    }

    @Test
    void averagesAreMacroOverAllTenClassesAndWeightedBySupport() {
        ClassificationReport r = ClassificationReport.of(ConfusionMatrix.of(labels, predicted));

        // Classes that never occur score 0 and still count in the macro average, as in scikit-learn.
        double coatF1 = 2 * 0.5 * 1.0 / 1.5;
        assertEquals((0.5 + 0.4 + coatF1) / 10, r.macro().f1(), EPS);
        assertEquals((0.5 * 2 + 0.4 * 3 + coatF1 * 1) / 6, r.weighted().f1(), EPS);
        assertEquals((1.0 / 3 + 0.5 + 1.0) / 10, r.macro().recall(), EPS);
    }

    @Test
    void predictionsReportAccuracyAndCrossEntropy() {
        float[] probabilities = new float[2 * 10];
        probabilities[3] = 0.5f;
        probabilities[1] = 0.5f;
        probabilities[10 + 7] = 1f;
        Predictions p = new Predictions(probabilities, new int[] {3, 7}, new int[] {1, 7});

        assertEquals(0.5, p.accuracy(), EPS);
        assertEquals(-Math.log(0.5) / 2, p.loss(), 1e-6);
    }

    @Test
    void mismatchedLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new int[] {1}, new int[] {1, 2}));
    }
}
