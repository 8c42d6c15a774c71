package org.fmnist.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.Network;
import org.fmnist.core.model.TinyNetworks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

class TestTimeAugmentationTest {

    /** Two images whose pixel values are their positions, so a mirror is easy to check. */
    private static Split numbered() {
        float[] pixels = new float[2 * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i / (float) pixels.length;
        }
        return new Split("test", pixels, new int[] {3, 7});
    }

    private static Split flipped(Split split) {
        List<Split> views = TestTimeAugmentation.FLIP.views(split);
        assertEquals(1, views.size());
        return views.get(0);
    }

    @Test
    void flipMirrorsEachRowOfEachImage() {
        Split split = numbered();
        Split flipped = flipped(split);

        for (int image = 0; image < 2; image++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    assertEquals(split.pixels()[image * 784 + y * 28 + x], flipped.pixels()[image * 784 + y * 28 + 27 - x]);
                }
            }
        }
        assertArrayEquals(split.labels(), flipped.labels());
        assertArrayEquals(split.pixels(), flipped(flipped).pixels(), "twice is the original");
    }

    @Test
    void shiftMovesEachImageOnePixelEachWayWithZerosComingIn() {
        Split split = numbered();
        List<Split> views = TestTimeAugmentation.SHIFT.views(split);
        int[][] moves = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};  // left, right, up, down: (dx, dy)

        assertEquals(moves.length, views.size());
        for (int v = 0; v < moves.length; v++) {
            int dx = moves[v][0];
            int dy = moves[v][1];
            for (int image = 0; image < 2; image++) {
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int sx = x - dx;
                        int sy = y - dy;
                        float expected = sx < 0 || sx > 27 || sy < 0 || sy > 27 ? 0f
                                : split.pixels()[image * 784 + sy * 28 + sx];
                        assertEquals(expected, views.get(v).pixels()[image * 784 + y * 28 + x],
                                views.get(v).name() + " at (" + x + ", " + y + ") of image " + image);
                    }
                }
            }
            assertArrayEquals(split.labels(), views.get(v).labels());
        }
        // The directions, read off independently of the formula above: 'shift-left' puts the original's
        // column 1 in column 0 and zeros in column 27; 'shift-down' puts row 0 in row 1 and zeros in row 0.
        float[] left = views.get(0).pixels();
        float[] down = views.get(3).pixels();
        for (int i = 0; i < 28; i++) {
            assertEquals(split.pixels()[i * 28 + 1], left[i * 28], "shift-left, row " + i);
            assertEquals(0f, left[i * 28 + 27]);
            assertEquals(split.pixels()[i], down[28 + i], "shift-down, column " + i);
            assertEquals(0f, down[i]);
        }
    }

    @Test
    void theViewsAreAveragedWithThePlainImagesAllWeightedAlike() {
        Network net = TinyNetworks.layered(3, new Adam(0.01));
        Split split = numbered();
        List<Predictions> each = new ArrayList<>(List.of(Predictor.predict(net, split), Predictor.predict(net, flipped(split))));
        TestTimeAugmentation.SHIFT.views(split).forEach(view -> each.add(Predictor.predict(net, view)));
        Predictions plain = each.get(0);

        Predictions mirrored = Predictor.predict(net, split, List.of(TestTimeAugmentation.FLIP));
        Predictions all = Predictor.predict(net, split, List.of(TestTimeAugmentation.FLIP, TestTimeAugmentation.SHIFT));

        // The same float sums in the same order, then one division: nothing for rounding to make different.
        for (int i = 0; i < all.probabilities().length; i++) {
            assertEquals((plain.probabilities()[i] + each.get(1).probabilities()[i]) / 2, mirrored.probabilities()[i]);
            float sum = 0;
            for (Predictions p : each) {
                sum += p.probabilities()[i];
            }
            assertEquals(sum / each.size(), all.probabilities()[i]);
        }
        assertArrayEquals(plain.probabilities(), Predictor.predict(net, split, List.of()).probabilities());
        for (Predictions view : each.subList(1, each.size())) {
            float largest = 0;
            for (int i = 0; i < plain.probabilities().length; i++) {
                largest = Math.max(largest, Math.abs(view.probabilities()[i] - plain.probabilities()[i]));
            }
            assertTrue(largest > 1e-4, "each view must change the outputs, or a wrong weighting would pass: " + largest);
        }
        assertArrayEquals(mirrored.probabilities(),
                Predictor.predict(net, split, List.of(TestTimeAugmentation.FLIP, TestTimeAugmentation.FLIP)).probabilities(),
                "a view named twice counts once");
    }

    @Test
    void theMeanPredictsTheMostProbableAveragedClass() {
        int[] labels = {0, 1};
        float[] a = new float[20];
        float[] b = new float[20];
        a[2] = 0.6f; a[5] = 0.4f; b[2] = 0.1f; b[5] = 0.9f;  // image 0: class 5 on average (0.65 > 0.35)
        a[11] = 1f; b[11] = 1f;                              // image 1: class 1 in both
        Predictions mean = Predictions.mean(List.of(Predictions.of(a, labels), Predictions.of(b, labels)));

        assertArrayEquals(new int[] {5, 1}, mean.predicted());
        assertEquals(0.5, mean.accuracy());
        assertThrows(IllegalArgumentException.class,
                () -> Predictions.mean(List.of(Predictions.of(a, labels), Predictions.of(b, new int[] {0, 2}))));
    }
}
