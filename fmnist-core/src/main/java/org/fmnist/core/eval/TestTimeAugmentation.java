package org.fmnist.core.eval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;

/**
 * Fixed transformations of every test image whose predictions are averaged with the plain ones
 * ({@code evaluation.tta}). Unlike a training augmentation they are deterministic: each image is
 * seen once as it is and once per view.
 */
public enum TestTimeAugmentation {
    /** The image mirrored left to right; every class survives a mirror (the same as augmentation 'flip'). */
    FLIP {
        @Override
        public List<Split> views(Split split) {
            return List.of(moved(split, "flip", true, 0, 0));
        }
    },
    /**
     * The image shifted by one pixel left, right, up and down (four views), zeros coming in at the
     * edge as with the augmentation 'translate', which models trained with shifts have seen.
     */
    SHIFT {
        @Override
        public List<Split> views(Split split) {
            return List.of(
                    moved(split, "shift-left", false, -1, 0),
                    moved(split, "shift-right", false, 1, 0),
                    moved(split, "shift-up", false, 0, -1),
                    moved(split, "shift-down", false, 0, 1));
        }
    };

    /** Copies of {@code split}, one per view this stands for, each with the view applied to every image. */
    public abstract List<Split> views(Split split);

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The keys of {@code views} as a spec writes them, e.g. "[flip, shift]". */
    public static String keys(List<TestTimeAugmentation> views) {
        return views.stream().map(TestTimeAugmentation::key).toList().toString();
    }

    /**
     * {@code split} with every image mirrored left to right when {@code mirror}, then moved {@code dx}
     * pixels right and {@code dy} down, zeros filling what comes in at the edge.
     */
    private static Split moved(Split split, String view, boolean mirror, int dx, int dy) {
        float[] from = split.pixels();
        float[] pixels = new float[from.length];
        int side = IdxFile.SIDE;
        for (int image = 0; image < split.size(); image++) {
            int offset = image * IdxFile.PIXELS;
            for (int y = 0; y < side; y++) {
                int sy = y - dy;
                for (int x = 0; x < side; x++) {
                    int sx = mirror ? side - 1 - (x - dx) : x - dx;
                    if (sx >= 0 && sx < side && sy >= 0 && sy < side) {
                        pixels[offset + y * side + x] = from[offset + sy * side + sx];
                    }
                }
            }
        }
        return new Split(split.name() + "-" + view, pixels, split.labels());
    }
}
