package org.fmnist.core.augment;

import java.util.Random;

/**
 * Changes one 28×28 image in place. Implementations keep values in [0, 1], draw every random
 * choice from {@code random} (so a seed fixes the result), and leave the label alone.
 */
@FunctionalInterface
public interface Augmentation {

    /** Transforms the 784 values of {@code pixels} starting at {@code offset}. */
    void apply(float[] pixels, int offset, Random random);

    /** Both, this one first. */
    default Augmentation then(Augmentation next) {
        return (pixels, offset, random) -> {
            apply(pixels, offset, random);
            next.apply(pixels, offset, random);
        };
    }

    /** Leaves images as they are. */
    static Augmentation none() {
        return (pixels, offset, random) -> { };
    }
}
