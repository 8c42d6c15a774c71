package org.fmnist.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow tier: the official files, found the way the runner finds them, are the data set described. */
class FashionMnistRealDataIT {
    @TempDir
    Path cache;

    @Test
    void theOfficialFilesHoldBalancedClassesOfNormalisedImages() {
        FashionMnist data = DataLocator.standard(null, cache, Optional.empty(), System.getenv()).load();

        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, data.train().classCounts());
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, data.test().classCounts());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float p : data.train().pixels()) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        // The first training image of the official release is an ankle boot; the first test image too.
        assertEquals(FashionClass.ANKLE_BOOT.label(), data.train().labels()[0]);
        assertEquals(FashionClass.ANKLE_BOOT.label(), data.test().labels()[0]);
    }
}
