package org.fmnist.captioning;

/**
 * Writes a caption for a prediction. Implementations are registered by the name a spec lists in
 * {@code captioning.generators}; they must be deterministic and safe to call from one thread at a time.
 */
public interface CaptionGenerator {

    /** One sentence describing the predicted garment. */
    String caption(Prediction prediction);
}
