package org.fmnist.captioning;

import org.fmnist.core.data.IdxFile;

/**
 * What can be seen in a 28×28 image without knowing its class: how light the garment is, how wide
 * its silhouette, how much texture it has. Each is bucketed at the terciles of the 60,000 training
 * images (measured once: tone 0.579/0.730, width 0.531/0.635, texture 0.131/0.201), so each bucket
 * holds about a third of the data.
 */
public record ImageAttributes(Tone tone, Width width, Texture texture, double brightness, double widthRatio,
                              double textureScore) {

    /** Pixels above this belong to the garment; the background of Fashion-MNIST is 0. */
    static final float OBJECT = 0.15f;

    public enum Tone {
        DARK("dark"), MID("mid-tone"), LIGHT("light");
        final String word;

        Tone(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public enum Width {
        NARROW("narrow"), REGULAR("regular"), WIDE("wide");
        final String word;

        Width(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public enum Texture {
        PLAIN("plain"), TEXTURED("subtly textured"), PATTERNED("patterned");
        final String word;

        Texture(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** Measures an image of 784 values in [0, 1], row-major. */
    public static ImageAttributes of(float[] image) {
        int side = IdxFile.SIDE;
        double sum = 0;
        int count = 0;
        int rows = 0;
        double spans = 0;
        for (int r = 0; r < side; r++) {
            int left = -1;
            int right = -1;
            for (int c = 0; c < side; c++) {
                float v = image[r * side + c];
                if (v > OBJECT) {
                    sum += v;
                    count++;
                    if (left < 0) {
                        left = c;
                    }
                    right = c;
                }
            }
            if (left >= 0) {
                rows++;
                spans += right - left + 1;
            }
        }
        double brightness = count == 0 ? 0 : sum / count;
        double widthRatio = rows == 0 ? 0 : spans / rows / side;
        double gradient = 0;
        int pairs = 0;
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                float v = image[r * side + c];
                if (v <= OBJECT) {
                    continue;
                }
                if (c + 1 < side && image[r * side + c + 1] > OBJECT) {
                    gradient += Math.abs(v - image[r * side + c + 1]);
                    pairs++;
                }
                if (r + 1 < side && image[(r + 1) * side + c] > OBJECT) {
                    gradient += Math.abs(v - image[(r + 1) * side + c]);
                    pairs++;
                }
            }
        }
        double texture = pairs == 0 ? 0 : gradient / pairs / Math.max(brightness, 1e-3);
        return new ImageAttributes(
                brightness < 0.579 ? Tone.DARK : brightness > 0.730 ? Tone.LIGHT : Tone.MID,
                widthRatio < 0.531 ? Width.NARROW : widthRatio > 0.635 ? Width.WIDE : Width.REGULAR,
                texture < 0.131 ? Texture.PLAIN : texture > 0.201 ? Texture.PATTERNED : Texture.TEXTURED,
                brightness, widthRatio, texture);
    }
}
