package org.fmnist.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PictureConversionTest {

    /** A dark rectangle on white, as a product photo would show a garment. */
    private static BufferedImage photo(int width, int height, int x, int y, int w, int h) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(40, 40, 40));
        g.fillRect(x, y, w, h);
        g.dispose();
        return img;
    }

    private static int[] box(float[] pixels) {
        int minX = 28, minY = 28, maxX = -1, maxY = -1;
        for (int i = 0; i < pixels.length; i++) {
            if (pixels[i] > 0.5f) {
                minX = Math.min(minX, i % 28);
                maxX = Math.max(maxX, i % 28);
                minY = Math.min(minY, i / 28);
                maxY = Math.max(maxY, i / 28);
            }
        }
        return new int[] {minX, minY, maxX, maxY};
    }

    @Test
    void aDarkGarmentOnWhiteBecomesALightGarmentOnBlackFillingTheFrame() {
        float[] out = PictureConversion.toFashionMnist(photo(600, 400, 200, 50, 200, 300));

        assertEquals(784, out.length);
        assertEquals(0f, out[0], 0.05f, "background black");
        assertTrue(out[14 * 28 + 14] > 0.7f, "garment light");
        int[] b = box(out);
        assertEquals(27, b[3] - b[1], 1, "the taller side fills 28 pixels");
        assertEquals(18, b[2] - b[0], 2, "the aspect ratio is kept (200 x 300)");
        assertEquals(14, (b[0] + b[2]) / 2.0, 1.5, "centred");
    }

    @Test
    void aLightGarmentOnBlackIsNotInverted() {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(18, 8, 20, 40);
        g.dispose();

        float[] out = PictureConversion.toFashionMnist(img);

        assertTrue(out[14 * 28 + 14] > 0.9f);
        assertEquals(0f, out[0], 0.05f);
    }

    @Test
    void aFashionMnistImageEnlargedAndNegatedComesBackAlmostTheSame() {
        float[] original = new float[784];
        for (int r = 0; r < 28; r++) {
            for (int c = 4; c < 24; c++) {
                original[r * 28 + c] = 0.3f + 0.6f * ((r + c) % 7) / 6f;
            }
        }
        BufferedImage big = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 280; y++) {
            for (int x = 0; x < 280; x++) {
                int v = Math.round((1 - original[(y / 10) * 28 + x / 10]) * 255);
                big.setRGB(x, y, new Color(v, v, v).getRGB());
            }
        }

        float[] back = PictureConversion.toFashionMnist(big);

        double diff = 0;
        for (int i = 0; i < 784; i++) {
            diff += Math.abs(back[i] - original[i]);
        }
        assertTrue(diff / 784 < 0.08, "mean difference " + diff / 784);
    }

    @Test
    void transparentBackgroundCountsAsBackground() {
        BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(20, 20, 20, 255));
        g.fillRect(30, 10, 40, 80);
        g.dispose();

        float[] out = PictureConversion.toFashionMnist(img);

        assertTrue(out[14 * 28 + 14] > 0.7f);
        assertEquals(0f, out[14 * 28 + 1], 0.05f);
    }
}
