package org.fmnist.core.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.eval.ConfusionMatrix;

/** Heatmap of a confusion matrix with class names on both axes and the count in every cell. */
public final class ConfusionMatrixChart {
    private static final int CELL = 56;
    private static final int LEFT = 130;
    private static final int TOP = 60;
    private static final int BOTTOM = 120;

    private ConfusionMatrixChart() {}

    public static BufferedImage render(ConfusionMatrix matrix, String title) {
        int n = FashionClass.COUNT;
        // The column labels run down at 45° from each column's middle: the last one needs room to its right.
        Canvas probe = new Canvas(1, 1);
        probe.font(12, false);
        int longest = 0;
        for (FashionClass fc : FashionClass.values()) {
            longest = Math.max(longest, probe.g.getFontMetrics().stringWidth(fc.displayName()));
        }
        probe.done();
        int reach = (int) Math.ceil(longest * Math.cos(Math.toRadians(45))) + 4;
        int right = Math.max(30, reach - CELL / 2 + 12);
        int bottom = Math.max(BOTTOM, reach + 8 + 36);
        Canvas c = new Canvas(LEFT + n * CELL + right, TOP + n * CELL + bottom);
        Graphics2D g = c.g;
        c.font(16, true);
        c.centred(title, LEFT + n * CELL / 2, 30);
        int[][] counts = matrix.counts();
        for (int a = 0; a < n; a++) {
            int rowTotal = Math.max(1, matrix.support(a));
            for (int p = 0; p < n; p++) {
                // Colour by the share of the true class, so rare and common classes read alike.
                double share = (double) counts[a][p] / rowTotal;
                Color fill = blend(share);
                g.setColor(fill);
                int x = LEFT + p * CELL;
                int y = TOP + a * CELL;
                g.fillRect(x, y, CELL, CELL);
                g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                c.font(13, a == p);
                c.centred(Integer.toString(counts[a][p]), x + CELL / 2, y + CELL / 2 + 5);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, n * CELL, n * CELL);
        g.setColor(Color.BLACK);
        c.font(12, false);
        for (FashionClass fc : FashionClass.values()) {
            c.rightAligned(fc.displayName(), LEFT - 8, TOP + fc.label() * CELL + CELL / 2);
            AffineTransform saved = g.getTransform();
            g.translate(LEFT + fc.label() * CELL + CELL / 2 + 4, TOP + n * CELL + 8);
            g.rotate(Math.toRadians(45));
            g.drawString(fc.displayName(), 0, 0);
            g.setTransform(saved);
        }
        c.font(13, true);
        c.centred("Predicted", LEFT + n * CELL / 2, TOP + n * CELL + bottom - 10);
        AffineTransform saved = g.getTransform();
        g.translate(18, TOP + n * CELL / 2);
        g.rotate(-Math.PI / 2);
        c.centred("True", 0, 0);
        g.setTransform(saved);
        return c.done();
    }

    /** White to dark blue. */
    private static Color blend(double t) {
        t = Math.max(0, Math.min(1, Math.sqrt(t)));
        int r = (int) Math.round(247 + (8 - 247) * t);
        int gr = (int) Math.round(251 + (48 - 251) * t);
        int b = (int) Math.round(255 + (107 - 255) * t);
        return new Color(r, gr, b);
    }
}
