package org.fmnist.augment;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.spec.ParameterChecks;

/** {@code type: translate}: a random crop of the image padded with zeros, i.e. a shift of up to N pixels each way. */
public final class Translate implements AugmentationFactory<Translate.Parameters> {

    public record Parameters(@JsonPropertyDescription("Largest shift in pixels, each axis (0: none).") Integer pixels) {
        public Parameters {
            pixels = pixels == null ? 2 : pixels;
            ParameterChecks.of().require(pixels >= 0 && pixels <= 14, "pixels", pixels, "must be from 0 to 14").done();
        }
    }

    @Override
    public String description() {
        return "shift by up to N pixels each way, padding with zeros (random crop with padding)";
    }

    @Override
    public Class<Parameters> parametersType() {
        return Parameters.class;
    }

    @Override
    public Augmentation create(Parameters p) {
        int max = p.pixels();
        return (pixels, offset, random) -> shift(pixels, offset, random.nextInt(2 * max + 1) - max, random.nextInt(2 * max + 1) - max);
    }

    static void shift(float[] pixels, int offset, int dx, int dy) {
        if (dx == 0 && dy == 0) {
            return;
        }
        float[] src = java.util.Arrays.copyOfRange(pixels, offset, offset + Pixels.N);
        for (int y = 0; y < Pixels.SIDE; y++) {
            for (int x = 0; x < Pixels.SIDE; x++) {
                int sx = x - dx;
                int sy = y - dy;
                boolean inside = sx >= 0 && sy >= 0 && sx < Pixels.SIDE && sy < Pixels.SIDE;
                pixels[offset + y * Pixels.SIDE + x] = inside ? src[sy * Pixels.SIDE + sx] : 0f;
            }
        }
    }
}
