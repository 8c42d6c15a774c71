package org.fmnist.core.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;

/** Training images, each followed by several of its augmentations, for checking them by eye. */
public final class AugmentationGrid {
    private static final int SCALE = 3;
    private static final int TILE = IdxFile.SIDE * SCALE;
    private static final int GAP = 6;

    private AugmentationGrid() {}

    /**
     * @param images how many training images (rows)
     * @param variants augmentations shown beside each original
     */
    public static BufferedImage render(Split train, Augmentation augmentation, int images, int variants, long seed, String title) {
        int rows = Math.min(images, train.size());
        Canvas c = new Canvas(120 + (variants + 1) * (TILE + GAP), 50 + rows * (TILE + GAP));
        c.font(15, true);
        c.centred(title, c.image.getWidth() / 2, 24);
        Random random = new Random(seed);
        for (int r = 0; r < rows; r++) {
            int index = r * (train.size() / rows);
            int y = 40 + r * (TILE + GAP);
            c.g.setColor(Color.BLACK);
            c.font(12, false);
            c.rightAligned(FashionClass.ofLabel(train.labels()[index]).displayName(), 112, y + TILE / 2);
            for (int v = 0; v <= variants; v++) {
                float[] image = train.image(index);
                if (v > 0) {
                    augmentation.apply(image, 0, random);
                }
                draw(c, image, 120 + v * (TILE + GAP), y);
            }
        }
        c.g.setColor(Color.DARK_GRAY);
        c.font(11, false);
        c.g.drawString("original", 120, 38);
        return c.done();
    }

    private static void draw(Canvas c, float[] pixels, int x, int y) {
        BufferedImage img = new BufferedImage(IdxFile.SIDE, IdxFile.SIDE, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < pixels.length; i++) {
            img.getRaster().setSample(i % IdxFile.SIDE, i / IdxFile.SIDE, 0, Math.round(Math.max(0, Math.min(1, pixels[i])) * 255));
        }
        c.g.drawImage(img, x, y, TILE, TILE, null);
    }
}
