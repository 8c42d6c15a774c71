package org.fmnist.core.eval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;

/**
 * A fixed transformation of every test image whose predictions are averaged with the plain ones
 * ({@code evaluation.tta}). Unlike a training augmentation it is deterministic: each image is seen
 * once as it is and once per view.
 */
public enum TestTimeAugmentation {
    /** The image mirrored left to right; every class survives a mirror (the same as augmentation 'flip'). */
    FLIP;

    /** A copy of {@code split} with this view applied to every image. */
    public Split apply(Split split) {
        float[] pixels = split.pixels().clone();
        int side = IdxFile.SIDE;
        for (int row = 0; row < split.size() * side; row++) {
            int start = row * side;
            for (int x = 0; x < side / 2; x++) {
                float t = pixels[start + x];
                pixels[start + x] = pixels[start + side - 1 - x];
                pixels[start + side - 1 - x] = t;
            }
        }
        return new Split(split.name() + "-" + key(), pixels, split.labels());
    }

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
