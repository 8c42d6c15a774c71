package org.fmnist.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.fmnist.core.train.EpochMetrics;

/** Loss and accuracy per epoch, training against the evaluated split, side by side. */
public final class TrainingCurves {
    private static final int W = 420;
    private static final int H = 300;
    private static final int M = 50;
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color EVAL = new Color(255, 127, 14);

    private TrainingCurves() {}

    public static BufferedImage render(List<EpochMetrics> history, String title) {
        Canvas c = new Canvas(2 * W, H + 40);
        c.font(16, true);
        c.centred(title, W, 24);
        String eval = history.isEmpty() ? "eval" : history.get(0).evalSplit();
        panel(c, 0, history, "loss", EpochMetrics::trainLoss, EpochMetrics::evalLoss, eval);
        panel(c, W, history, "accuracy", EpochMetrics::trainAccuracy, EpochMetrics::evalAccuracy, eval);
        return c.done();
    }

    private static void panel(Canvas c, int x0, List<EpochMetrics> h, String name, ToDoubleFunction<EpochMetrics> train,
                              ToDoubleFunction<EpochMetrics> eval, String evalName) {
        Graphics2D g = c.g;
        int top = 40;
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (EpochMetrics m : h) {
            lo = Math.min(lo, Math.min(train.applyAsDouble(m), eval.applyAsDouble(m)));
            hi = Math.max(hi, Math.max(train.applyAsDouble(m), eval.applyAsDouble(m)));
        }
        if (h.isEmpty()) {
            lo = 0;
            hi = 1;
        }
        double span = Math.max(hi - lo, 1e-3);
        lo -= span * 0.1;
        hi += span * 0.1;
        int left = x0 + M, right = x0 + W - 20, bottom = top + H - M;
        g.setColor(Color.GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        c.font(11, false);
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            int y = bottom - (int) Math.round((bottom - top) * (v - lo) / (hi - lo));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.DARK_GRAY);
            c.rightAligned(String.format("%.3f", v), left - 4, y);
        }
        int n = h.size();
        for (int e = 0; e < n; e++) {
            c.centred(Integer.toString(h.get(e).epoch()), xOf(e, n, left, right), bottom + 16);
        }
        c.centred("epoch", (left + right) / 2, bottom + 34);
        c.font(13, true);
        g.setColor(Color.BLACK);
        c.centred(name, (left + right) / 2, top - 4);
        line(g, h, train, TRAIN, left, right, top, bottom, lo, hi);
        line(g, h, eval, EVAL, left, right, top, bottom, lo, hi);
        c.font(11, false);
        g.setColor(TRAIN);
        g.drawString("train", right - 90, top + 16);
        g.setColor(EVAL);
        g.drawString(evalName, right - 90, top + 30);
    }

    private static void line(Graphics2D g, List<EpochMetrics> h, ToDoubleFunction<EpochMetrics> f, Color color,
                             int left, int right, int top, int bottom, double lo, double hi) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2));
        int n = h.size();
        int px = -1, py = -1;
        for (int e = 0; e < n; e++) {
            int x = xOf(e, n, left, right);
            int y = bottom - (int) Math.round((bottom - top) * (f.applyAsDouble(h.get(e)) - lo) / (hi - lo));
            g.fillOval(x - 3, y - 3, 6, 6);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
        g.setStroke(new BasicStroke(1));
    }

    private static int xOf(int e, int n, int left, int right) {
        return n <= 1 ? (left + right) / 2 : left + 15 + (right - left - 30) * e / (n - 1);
    }
}
