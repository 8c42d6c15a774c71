package org.fmnist.runner.cli.compare;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fmnist.core.plot.LineChart;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code runner compare --plot}: each compared run's accuracy and loss per epoch, on its validation images
 * (or the test set when it held none out), side by side; and when the runs are the points of one sweep,
 * the ranking metric against each parameter that differs between them. Drawn with XChart, which keeps
 * round ticks and puts the legend beside the plot, off the data.
 */
final class ComparisonPlot {
    private static final int W = 620;
    private static final int H = 420;

    private ComparisonPlot() {}

    static BufferedImage render(ComparisonTable table, String metric) {
        List<ComparedRun> runs = table.ranked();
        String split = runs.stream().flatMap(r -> r.epochs().stream()).map(ComparedRun.Epoch::split).distinct()
                .reduce((a, b) -> a + " or " + b).orElse("validation");
        // The curves a row each, their legend beside them; a sweep's panels two to a row below.
        List<BufferedImage> rows = new ArrayList<>(List.of(curves(table, split + " accuracy", true),
                curves(table, split + " loss", false)));
        boolean oneSweep = runs.get(0).sweep() != null && runs.stream().allMatch(r -> Objects.equals(r.sweep(), runs.get(0).sweep()));
        if (oneSweep) {
            List<String> swept = table.parameters();
            for (int i = 0; i < swept.size(); i += 2) {
                rows.add(side(against(runs, swept.get(i), metric),
                        i + 1 < swept.size() ? against(runs, swept.get(i + 1), metric) : null));
            }
        }
        return stacked(rows);
    }

    private static BufferedImage side(BufferedImage left, BufferedImage right) {
        BufferedImage image = blank(2 * W, H);
        Graphics2D g = image.createGraphics();
        g.drawImage(left, 0, 0, null);
        if (right != null) {
            g.drawImage(right, W, 0, null);
        }
        g.dispose();
        return image;
    }

    private static BufferedImage stacked(List<BufferedImage> rows) {
        BufferedImage image = blank(rows.stream().mapToInt(BufferedImage::getWidth).max().orElse(2 * W),
                rows.stream().mapToInt(BufferedImage::getHeight).sum());
        Graphics2D g = image.createGraphics();
        int y = 0;
        for (BufferedImage row : rows) {
            g.drawImage(row, 0, y, null);
            y += row.getHeight();
        }
        g.dispose();
        return image;
    }

    private static BufferedImage blank(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** Every run's evaluated accuracy or loss per epoch, one line each, labelled by rank and what differs. */
    private static BufferedImage curves(ComparisonTable table, String title, boolean accuracy) {
        XYChart chart = chart(title, "epoch", accuracy ? "accuracy" : "loss", 2 * W, Styler.LegendPosition.OutsideE);
        LineChart.wholeEpochTicks(chart);
        int rank = 0;
        for (ComparedRun r : table.ranked()) {
            rank++;
            if (r.epochs().isEmpty()) {
                continue; // an ensemble trains no epochs of its own
            }
            double[] x = r.epochs().stream().mapToDouble(ComparedRun.Epoch::epoch).toArray();
            double[] y = r.epochs().stream().mapToDouble(e -> accuracy ? e.accuracy() : e.loss()).toArray();
            XYSeries s = LineChart.addFinite(chart, label(rank, r, table), x, y);
            if (s != null) {
                s.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * The metric against one parameter over a sweep's points: numbers on their own axis (logarithmic when
     * they span a factor of ten or more), other values in the order they first appear.
     */
    private static BufferedImage against(List<ComparedRun> runs, String parameter, String metric) {
        List<String> values = runs.stream().map(r -> r.params().getOrDefault(parameter, "-")).distinct().toList();
        boolean numeric = values.stream().allMatch(ComparisonPlot::isNumber);
        double[] x = new double[runs.size()];
        double[] y = new double[runs.size()];
        int n = 0;
        for (ComparedRun r : runs) {
            if (r.metric(metric) == null) {
                continue;
            }
            String v = r.params().getOrDefault(parameter, "-");
            x[n] = numeric ? Double.parseDouble(v) : values.indexOf(v) + 1;
            y[n++] = r.metric(metric);
        }
        XYChart chart = chart(metric + " by " + parameter, parameter, metric, W, Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(9);
        if (numeric) {
            double lo = java.util.Arrays.stream(x, 0, n).min().orElse(1);
            double hi = java.util.Arrays.stream(x, 0, n).max().orElse(1);
            chart.getStyler().setXAxisLogarithmic(lo > 0 && hi / lo >= 10);
        } else {
            chart.setCustomXAxisTickLabelsFormatter(v -> v == Math.rint(v) && v >= 1 && v <= values.size()
                    ? values.get((int) Math.round(v) - 1) : "");
        }
        LineChart.addFinite(chart, metric, java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static XYChart chart(String title, String xTitle, String yTitle, int width, Styler.LegendPosition legend) {
        XYChart chart = LineChart.of(title, xTitle, yTitle, width, H);
        chart.getStyler().setLegendPosition(legend);
        chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return chart;
    }

    /**
     * "1. hidden=128, learning_rate=0.001": the rank, the run's name where the names differ, and what
     * differs, each key by its last part where that is unambiguous.
     */
    private static String label(int rank, ComparedRun r, ComparisonTable table) {
        List<String> parts = new ArrayList<>();
        if (table.ranked().stream().map(ComparedRun::name).distinct().count() > 1) {
            parts.add(r.name());
        }
        List<String> keys = table.parameters();
        for (String k : keys) {
            String shortKey = k.substring(k.lastIndexOf('.') + 1);
            boolean unique = keys.stream().filter(o -> o.endsWith("." + shortKey) || o.equals(shortKey)).count() == 1;
            parts.add((unique ? shortKey : k) + "=" + r.params().getOrDefault(k, "-"));
        }
        return rank + ". " + String.join(", ", parts);
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
