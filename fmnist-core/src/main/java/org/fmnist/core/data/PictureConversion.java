package org.fmnist.core.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Turns an ordinary picture into a Fashion-MNIST-like image, the way Zalando made theirs from
 * product photos: greyscale, the garment light on a black background (a picture on a light
 * background is negated), trimmed to the garment, its longest side scaled to 28 pixels, centred
 * on a 28×28 canvas. Assumes one garment on a plain background; busy backgrounds defeat the trim.
 */
public final class PictureConversion {
    /** A pixel differing from the background by more than this belongs to the garment. */
    static final float FOREGROUND = 0.1f;

    private PictureConversion() {}

    /** 784 values in [0, 1], row-major. */
    public static float[] toFashionMnist(BufferedImage picture) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        float[] grey = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = picture.getRGB(x, y);
                float alpha = ((argb >>> 24) & 0xFF) / 255f;
                float lum = (0.299f * ((argb >> 16) & 0xFF) + 0.587f * ((argb >> 8) & 0xFF) + 0.114f * (argb & 0xFF)) / 255f;
                // Transparent pixels are background: composite on white, as photos of products are.
                grey[y * w + x] = lum * alpha + (1 - alpha);
            }
        }
        double border = 0;
        int n = 0;
        for (int x = 0; x < w; x++) {
            border += grey[x] + grey[(h - 1) * w + x];
            n += 2;
        }
        for (int y = 0; y < h; y++) {
            border += grey[y * w] + grey[y * w + w - 1];
            n += 2;
        }
        boolean lightBackground = border / n > 0.5;
        int minX = w, minY = h, maxX = -1, maxY = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = lightBackground ? 1 - grey[y * w + x] : grey[y * w + x];
                grey[y * w + x] = v;
                if (v > FOREGROUND) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) {
            minX = 0;
            minY = 0;
            maxX = w - 1;
            maxY = h - 1;
        }
        int cw = maxX - minX + 1;
        int ch = maxY - minY + 1;
        BufferedImage cropped = new BufferedImage(cw, ch, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                cropped.getRaster().setSample(x, y, 0, Math.round(grey[(minY + y) * w + minX + x] * 255));
            }
        }
        double scale = (double) IdxFile.SIDE / Math.max(cw, ch);
        int tw = Math.max(1, (int) Math.round(cw * scale));
        int th = Math.max(1, (int) Math.round(ch * scale));
        BufferedImage out = new BufferedImage(IdxFile.SIDE, IdxFile.SIDE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(downscaled(cropped, tw, th), (IdxFile.SIDE - tw) / 2, (IdxFile.SIDE - th) / 2, tw, th, null);
        g.dispose();
        float[] pixels = new float[IdxFile.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = out.getRaster().getSample(i % IdxFile.SIDE, i / IdxFile.SIDE, 0) / 255f;
        }
        return pixels;
    }

    /** Halves the image until it is near the target, so a large photo is averaged, not sampled. */
    private static BufferedImage downscaled(BufferedImage img, int tw, int th) {
        BufferedImage current = img;
        while (current.getWidth() / 2 >= tw && current.getHeight() / 2 >= th) {
            BufferedImage half = new BufferedImage(current.getWidth() / 2, current.getHeight() / 2, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = half.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(current, 0, 0, half.getWidth(), half.getHeight(), null);
            g.dispose();
            current = half;
        }
        return current;
    }
}
