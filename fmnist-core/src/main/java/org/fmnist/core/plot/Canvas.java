package org.fmnist.core.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** A white image with anti-aliased text, and the few drawing moves the charts share. */
final class Canvas {
    final BufferedImage image;
    final Graphics2D g;

    Canvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
    }

    void font(int size, boolean bold) {
        g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, size));
    }

    /** Draws {@code text} centred on {@code cx}, with its baseline at {@code y}. */
    void centred(String text, int cx, int y) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, cx - fm.stringWidth(text) / 2, y);
    }

    /** Draws {@code text} ending at {@code right}, vertically centred on {@code cy}. */
    void rightAligned(String text, int right, int cy) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, right - fm.stringWidth(text), cy + fm.getAscent() / 2 - 1);
    }

    BufferedImage done() {
        g.dispose();
        return image;
    }
}
