package org.fmnist.augment;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.spec.ParameterChecks;

/** {@code type: flip}: mirrors the image left to right with a given chance. Every class survives a mirror. */
public final class HorizontalFlip implements AugmentationFactory<HorizontalFlip.Parameters> {

    public record Parameters(@JsonPropertyDescription("Chance to mirror an image (0: never).") Double probability) {
        public Parameters {
            probability = probability == null ? 0.5 : probability;
            ParameterChecks.of().require(probability >= 0 && probability <= 1, "probability", probability,
                    "must be from 0 to 1").done();
        }
    }

    @Override
    public String description() {
        return "mirror left to right with a given chance";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Augmentation create(Parameters p) {
        double chance = p.probability();
        return (pixels, offset, random) -> {
            if (random.nextDouble() < chance) {
                for (int y = 0; y < Pixels.SIDE; y++) {
                    int row = offset + y * Pixels.SIDE;
                    for (int x = 0; x < Pixels.SIDE / 2; x++) {
                        float t = pixels[row + x];
                        pixels[row + x] = pixels[row + Pixels.SIDE - 1 - x];
                        pixels[row + Pixels.SIDE - 1 - x] = t;
                    }
                }
            }
        };
    }
}
