package org.fmnist.core.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import org.fmnist.core.train.EpochMetrics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Loss and accuracy per epoch, training against the evaluated split, side by side, with the epoch whose
 * weights the run kept marked by a dashed line. Drawn with XChart, which picks round ticks and keeps the legend below the
 * plot, off the data.
 */
public final class TrainingCurves {
    private static final int W = 460;
    private static final int H = 340;
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color EVAL = new Color(255, 127, 14);
    private static final Color KEPT = new Color(44, 160, 44);

    private TrainingCurves() {}

    /**
     * @param keptEpoch the epoch whose weights the run kept (the best on validation, else the last);
     *     0 for none
     */
    public static BufferedImage render(List<EpochMetrics> history, int keptEpoch, String title) {
        String eval = history.isEmpty() ? "eval" : history.get(0).evalSplit();
        BufferedImage loss = panel(history, "loss", EpochMetrics::trainLoss, EpochMetrics::evalLoss, eval, keptEpoch);
        BufferedImage accuracy = panel(history, "accuracy", EpochMetrics::trainAccuracy, EpochMetrics::evalAccuracy, eval,
                keptEpoch);
        Canvas c = new Canvas(loss.getWidth() + accuracy.getWidth(), loss.getHeight() + 36);
        c.font(16, true);
        c.centred(title, c.image.getWidth() / 2, 24);
        c.g.drawImage(loss, 0, 36, null);
        c.g.drawImage(accuracy, loss.getWidth(), 36, null);
        return c.done();
    }

    private static BufferedImage panel(List<EpochMetrics> h, String name, ToDoubleFunction<EpochMetrics> train,
                                       ToDoubleFunction<EpochMetrics> eval, String evalName, int keptEpoch) {
        XYChart chart = LineChart.of(name, "epoch", name, W, H);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        LineChart.wholeEpochTicks(chart);
        double[] epochs = h.stream().mapToDouble(EpochMetrics::epoch).toArray();
        series(chart, "train", epochs, h.stream().mapToDouble(train).toArray(), TRAIN);
        series(chart, evalName, epochs, h.stream().mapToDouble(eval).toArray(), EVAL);
        DoubleSummaryStatistics range = h.stream().flatMapToDouble(m -> DoubleStream.of(train.applyAsDouble(m),
                eval.applyAsDouble(m))).filter(Double::isFinite).summaryStatistics();
        if (keptEpoch > 0 && range.getCount() > 0) {
            // A dashed vertical line across the data, named in the legend, so no label sits on the plot.
            XYSeries kept = series(chart, "kept: epoch " + keptEpoch, new double[] {keptEpoch, keptEpoch},
                    new double[] {range.getMin(), range.getMax()}, KEPT);
            kept.setMarker(SeriesMarkers.NONE);
            kept.setLineStyle(SeriesLines.DASH_DASH);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static XYSeries series(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = LineChart.addFinite(chart, name, x, y);
        if (s != null) {
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(2);
        }
        return s;
    }
}
