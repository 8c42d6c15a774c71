/**
 * The extension point for data augmentation: an {@link org.fmnist.core.augment.Augmentation} changes
 * a training image in place, and augmentation modules register factories by the name a spec's
 * {@code augment} entries use. Augmentations see training batches only, never validation or test images.
 */
package org.fmnist.core.augment;
