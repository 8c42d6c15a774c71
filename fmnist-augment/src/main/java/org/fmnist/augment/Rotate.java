package org.fmnist.augment;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.spec.ParameterChecks;

/** {@code type: rotate}: turns the image about its centre by a random angle, interpolating bilinearly. */
public final class Rotate implements AugmentationFactory<Rotate.Parameters> {

    public record Parameters(@JsonPropertyDescription("Largest angle in degrees, either way (0: none).") Double degrees) {
        public Parameters {
            degrees = degrees == null ? 10.0 : degrees;
            ParameterChecks.of().require(degrees >= 0 && degrees <= 45, "degrees", degrees, "must be from 0 to 45").done();
        }
    }

    @Override
    public String description() {
        return "rotate by a random angle up to N degrees either way";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Augmentation create(Parameters p) {
        double max = Math.toRadians(p.degrees());
        return (pixels, offset, random) -> {
            double angle = (random.nextDouble() * 2 - 1) * max;
            if (angle != 0) {
                rotate(pixels, offset, angle);
            }
        };
    }

    static void rotate(float[] pixels, int offset, double angle) {
        float[] src = java.util.Arrays.copyOfRange(pixels, offset, offset + Pixels.N);
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double centre = (Pixels.SIDE - 1) / 2.0;
        for (int y = 0; y < Pixels.SIDE; y++) {
            for (int x = 0; x < Pixels.SIDE; x++) {
                double dx = x - centre;
                double dy = y - centre;
                // Where this output pixel comes from: the inverse rotation.
                double sx = c * dx + s * dy + centre;
                double sy = -s * dx + c * dy + centre;
                pixels[offset + y * Pixels.SIDE + x] = Math.min(1f, Math.max(0f, Pixels.sample(src, sx, sy)));
            }
        }
    }
}
