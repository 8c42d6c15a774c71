/**
 * Captions for predictions. A {@link org.fmnist.captioning.CaptionGenerator} turns a prediction (the
 * image and the model's class probabilities) into a sentence; generators are registered by name in
 * {@link org.fmnist.captioning.CaptioningModule}. {@link org.fmnist.captioning.CaptionConsistency}
 * measures captions without hand labels by classifying them back with sentence embeddings.
 */
package org.fmnist.captioning;
