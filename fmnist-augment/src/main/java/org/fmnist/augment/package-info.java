/**
 * Seeded image augmentations for training batches (translation, horizontal flip, rotation, random
 * erasing), registered by name in {@link org.fmnist.augment.AugmentModule}, and a picture of an
 * image with its augmentations for checking them by eye.
 */
package org.fmnist.augment;
