package org.fmnist.runner.extension;

import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.captioning.Prediction;

/** A caption generator a newcomer adds: the predicted class's name, nothing more. */
public final class ClassNameCaptioner implements CaptionGenerator {
    @Override
    public String caption(Prediction prediction) {
        return "Plainly a " + prediction.predicted().displayName() + ".";
    }
}
