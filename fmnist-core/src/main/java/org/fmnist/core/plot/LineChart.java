package org.fmnist.core.plot;

import java.awt.Color;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** The project's XChart line charts: one look for a run's curves and for {@code runner compare}'s. */
public final class LineChart {
    private LineChart() {}

    /** White, no box around the title, anti-aliased, the legend below the plot. */
    public static XYChart of(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        Styler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(true);
        styler.setChartTitleBoxVisible(false);
        styler.setAntiAlias(true);
        return chart;
    }

    /** Epochs are whole: a tick between two (a short run's axis) is left unlabelled. */
    public static void wholeEpochTicks(XYChart chart) {
        chart.setCustomXAxisTickLabelsFormatter(x -> x == Math.rint(x) ? Long.toString(Math.round(x)) : "");
    }

    /**
     * Adds the points whose y is finite: a diverged run's NaN or infinite loss would stop XChart from
     * sizing its axes, and with it the chart a finished run writes.
     *
     * @return the series; null when no point is finite, so there is nothing to draw
     */
    public static XYSeries addFinite(XYChart chart, String name, double[] x, double[] y) {
        int[] kept = IntStream.range(0, y.length).filter(i -> Double.isFinite(x[i]) && Double.isFinite(y[i])).toArray();
        if (kept.length == 0) {
            return null;
        }
        return chart.addSeries(name, IntStream.of(kept).mapToDouble(i -> x[i]).toArray(),
                IntStream.of(kept).mapToDouble(i -> y[i]).toArray());
    }
}
