package org.fmnist.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.fmnist.core.augment.Augmentation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class AugmentationsTest {

    /** Each transform at its default strength, and at zero strength. */
    static Stream<Arguments> transforms() {
        return Stream.of(
                Arguments.of("translate", new Translate().create(new Translate.Parameters(null)),
                        new Translate().create(new Translate.Parameters(0))),
                Arguments.of("flip", new HorizontalFlip().create(new HorizontalFlip.Parameters(1.0)),
                        new HorizontalFlip().create(new HorizontalFlip.Parameters(0.0))),
                Arguments.of("rotate", new Rotate().create(new Rotate.Parameters(null)),
                        new Rotate().create(new Rotate.Parameters(0.0))),
                Arguments.of("erase", new RandomErasing().create(new RandomErasing.Parameters(1.0, null, null)),
                        new RandomErasing().create(new RandomErasing.Parameters(0.0, null, null))));
    }

    /** Two images side by side: an asymmetric garment-like blob, then a gradient. */
    static float[] twoImages(long seed) {
        Random r = new Random(seed);
        float[] pixels = new float[2 * 784];
        for (int y = 4; y < 24; y++) {
            for (int x = 3; x < 20; x++) {
                pixels[y * 28 + x] = 0.3f + 0.7f * r.nextFloat();
            }
        }
        for (int i = 0; i < 784; i++) {
            pixels[784 + i] = (i % 28) / 27f;
        }
        return pixels;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void keepsShapeAndRangeAndTouchesOnlyItsOwnImage(String name, Augmentation a, Augmentation zero) {
        for (long seed = 0; seed < 50; seed++) {
            float[] pixels = twoImages(seed);
            float[] before = pixels.clone();
            a.apply(pixels, 0, new Random(seed));

            assertEquals(2 * 784, pixels.length);
            assertArrayEquals(Arrays.copyOfRange(before, 784, 1568), Arrays.copyOfRange(pixels, 784, 1568), name);
            for (float v : pixels) {
                assertTrue(v >= 0 && v <= 1, name + " produced " + v);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void theSameSeedGivesTheSameImageAndOtherSeedsDiffer(String name, Augmentation a, Augmentation zero) {
        float[] one = twoImages(1);
        float[] two = twoImages(1);
        a.apply(one, 0, new Random(42));
        a.apply(two, 0, new Random(42));
        assertArrayEquals(one, two, name);

        boolean changed = false;
        for (long seed = 0; seed < 20 && !changed; seed++) {
            float[] other = twoImages(1);
            a.apply(other, 0, new Random(seed));
            changed = !Arrays.equals(other, twoImages(1));
        }
        assertTrue(changed, name + " never changes an image");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void zeroStrengthIsTheIdentity(String name, Augmentation a, Augmentation zero) {
        for (long seed = 0; seed < 20; seed++) {
            float[] pixels = twoImages(seed);
            zero.apply(pixels, 784, new Random(seed));
            zero.apply(pixels, 0, new Random(seed));
            assertArrayEquals(twoImages(seed), pixels, name);
        }
    }

    @Test
    void flippingTwiceRestoresAndOnceMirrors() {
        Augmentation flip = new HorizontalFlip().create(new HorizontalFlip.Parameters(1.0));
        float[] pixels = twoImages(3);
        flip.apply(pixels, 784, new Random(1));
        assertEquals(1f, pixels[784], 1e-6f, "the gradient's right edge is now on the left");
        flip.apply(pixels, 784, new Random(1));
        assertArrayEquals(twoImages(3), pixels);
    }

    @Test
    void translationMovesContentAndPadsWithZeros() {
        float[] pixels = new float[784];
        pixels[10 * 28 + 10] = 1f;
        Translate.shift(pixels, 0, 2, -1);
        assertEquals(1f, pixels[9 * 28 + 12]);
        assertEquals(0f, pixels[10 * 28 + 10]);

        float[] edge = new float[784];
        Arrays.fill(edge, 1f);
        Translate.shift(edge, 0, 1, 0);
        assertEquals(0f, edge[0], "the column shifted in is zero");
        assertEquals(1f, edge[1]);
    }

    @Test
    void rotationTurnsAboutTheCentreAndKeepsMass() {
        float[] pixels = new float[784];
        for (int x = 4; x < 24; x++) {
            pixels[14 * 28 + x] = 1f;
        }
        float[] turned = pixels.clone();
        Rotate.rotate(turned, 0, Math.PI / 2);
        // Row 14 lies half a pixel below the centre (13.5); a quarter turn puts it half a pixel left: column 13.
        for (int y = 4; y < 24; y++) {
            assertEquals(1f, turned[y * 28 + 13], 1e-4f, "a horizontal bar becomes vertical, row " + y);
        }
        assertTrue(turned[14 * 28 + 5] < 0.1f);
        double before = 0, after = 0;
        for (int i = 0; i < 784; i++) {
            before += pixels[i];
            after += turned[i];
        }
        assertEquals(before, after, before * 0.1);
    }

    @Test
    void erasingCoversTheConfiguredShareOfTheImage() {
        Augmentation erase = new RandomErasing().create(new RandomErasing.Parameters(1.0, 0.1, 0.1));
        for (long seed = 0; seed < 20; seed++) {
            float[] pixels = new float[784];
            Arrays.fill(pixels, 2f); // a value the eraser never writes
            erase.apply(pixels, 0, new Random(seed));
            long erased = 0;
            for (float v : pixels) {
                erased += v != 2f ? 1 : 0;
            }
            assertTrue(erased >= 40 && erased <= 120, erased + " pixels erased for a 10% (78 px) target");
        }
    }

    @Test
    void composedAugmentationsRunInOrder() {
        List<String> calls = new java.util.ArrayList<>();
        Augmentation first = (p, o, r) -> calls.add("first");
        Augmentation second = (p, o, r) -> calls.add("second");
        first.then(second).apply(new float[784], 0, new Random(1));
        assertEquals(List.of("first", "second"), calls);
        assertFalse(calls.isEmpty());
    }
}
