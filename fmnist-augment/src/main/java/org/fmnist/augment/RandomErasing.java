package org.fmnist.augment;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.spec.ParameterChecks;

/**
 * {@code type: erase}: with a given chance, blanks a random rectangle covering a random share of the
 * image (Zhong et al., 2017), filled with random values, so the model cannot rely on any one part.
 */
public final class RandomErasing implements AugmentationFactory<RandomErasing.Parameters> {

    public record Parameters(
            @JsonPropertyDescription("Chance to erase a rectangle from an image (0: never).") Double probability,
            @JsonPropertyDescription("Smallest share of the image erased.") Double minArea,
            @JsonPropertyDescription("Largest share of the image erased.") Double maxArea) {
        public Parameters {
            probability = probability == null ? 0.5 : probability;
            minArea = minArea == null ? 0.02 : minArea;
            maxArea = maxArea == null ? 0.2 : maxArea;
            ParameterChecks.of()
                    .require(probability >= 0 && probability <= 1, "probability", probability, "must be from 0 to 1")
                    .require(minArea > 0 && minArea <= 1, "min_area", minArea, "must be above 0 and at most 1")
                    .require(maxArea > 0 && maxArea <= 1, "max_area", maxArea, "must be above 0 and at most 1")
                    .require(minArea <= maxArea, "max_area", maxArea, "must be at least min_area, " + minArea)
                    .done();
        }
    }

    @Override
    public String description() {
        return "with a given chance, fill a random rectangle (a share of the image) with noise";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Augmentation create(Parameters p) {
        return (pixels, offset, random) -> {
            if (random.nextDouble() >= p.probability()) {
                return;
            }
            double area = (p.minArea() + random.nextDouble() * (p.maxArea() - p.minArea())) * Pixels.N;
            double aspect = Math.exp((random.nextDouble() * 2 - 1) * Math.log(3));
            int h = (int) Math.min(Pixels.SIDE, Math.max(1, Math.round(Math.sqrt(area * aspect))));
            int w = (int) Math.min(Pixels.SIDE, Math.max(1, Math.round(Math.sqrt(area / aspect))));
            int top = random.nextInt(Pixels.SIDE - h + 1);
            int left = random.nextInt(Pixels.SIDE - w + 1);
            for (int y = top; y < top + h; y++) {
                for (int x = left; x < left + w; x++) {
                    pixels[offset + y * Pixels.SIDE + x] = random.nextFloat();
                }
            }
        };
    }
}
