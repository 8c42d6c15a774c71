package org.fmnist.runner.extension;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.data.IdxFile;

/** An augmentation a newcomer adds: swaps dark and light, with a given chance. */
public final class Invert implements AugmentationFactory<Invert.Parameters> {

    public record Parameters(
            @JsonPropertyDescription("Chance that an image is inverted.")
            Double probability) {
        public Parameters {
            probability = probability == null ? 0.5 : probability;
        }
    }

    @Override
    public String description() {
        return "swaps dark and light";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Augmentation create(Parameters p) {
        return (pixels, offset, random) -> {
            if (random.nextDouble() < p.probability()) {
                for (int i = offset; i < offset + IdxFile.PIXELS; i++) {
                    pixels[i] = 1f - pixels[i];
                }
            }
        };
    }
}
