package com.athena.tools.demo;

import com.athena.common.market.MarketBar;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.CandlestickRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYDifferenceRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.data.xy.DefaultHighLowDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

/** Draws bars as candles with EMA 9/21/50 and Bollinger bands over volume, as a PNG. */
public final class MarketChart {
    private MarketChart() {}

    /** Writes the chart of {@code rows} (one symbol and timeframe, in time order). */
    public static void write(List<MarketBar> rows, String title, Path png) throws IOException {
        int n = rows.size();
        Date[] dates = new Date[n];
        double[] high = new double[n];
        double[] low = new double[n];
        double[] open = new double[n];
        double[] close = new double[n];
        double[] volume = new double[n];
        TimeSeries ema9 = new TimeSeries("EMA 9");
        TimeSeries ema21 = new TimeSeries("EMA 21");
        TimeSeries ema50 = new TimeSeries("EMA 50");
        TimeSeries upper = new TimeSeries("Bollinger upper");
        TimeSeries lower = new TimeSeries("Bollinger lower");
        TimeSeries volumes = new TimeSeries("Volume");
        for (int i = 0; i < n; i++) {
            MarketBar r = rows.get(i);
            dates[i] = new Date(r.bar.openTime);
            open[i] = r.bar.open;
            high[i] = r.bar.high;
            low[i] = r.bar.low;
            close[i] = r.bar.close;
            volume[i] = r.bar.volume;
            Millisecond t =
                    new Millisecond(dates[i], TimeZone.getTimeZone("UTC"), java.util.Locale.ROOT);
            addIfWarm(ema9, t, r.indicators.ema9);
            addIfWarm(ema21, t, r.indicators.ema21);
            addIfWarm(ema50, t, r.indicators.ema50);
            addIfWarm(upper, t, r.indicators.bbUpper);
            addIfWarm(lower, t, r.indicators.bbLower);
            volumes.add(t, r.bar.volume);
        }

        XYPlot price =
                new XYPlot(
                        new DefaultHighLowDataset("price", dates, high, low, open, close, volume),
                        null,
                        new NumberAxis("USD"),
                        new CandlestickRenderer());
        CandlestickRenderer candles = (CandlestickRenderer) price.getRenderer();
        candles.setUpPaint(new Color(38, 166, 91));
        candles.setDownPaint(new Color(214, 69, 65));
        candles.setDrawVolume(false);
        ((NumberAxis) price.getRangeAxis()).setAutoRangeIncludesZero(false);

        TimeSeriesCollection band = new TimeSeriesCollection();
        band.addSeries(upper);
        band.addSeries(lower);
        XYDifferenceRenderer bandRenderer =
                new XYDifferenceRenderer(
                        new Color(70, 130, 180, 40), new Color(70, 130, 180, 40), false);
        bandRenderer.setSeriesPaint(0, new Color(70, 130, 180));
        bandRenderer.setSeriesPaint(1, new Color(70, 130, 180));
        price.setDataset(1, band);
        price.setRenderer(1, bandRenderer);

        TimeSeriesCollection emas = new TimeSeriesCollection();
        emas.addSeries(ema9);
        emas.addSeries(ema21);
        emas.addSeries(ema50);
        XYLineAndShapeRenderer emaRenderer = new XYLineAndShapeRenderer(true, false);
        Color[] colors = {new Color(255, 140, 0), new Color(148, 0, 211), new Color(30, 30, 30)};
        for (int i = 0; i < colors.length; i++) {
            emaRenderer.setSeriesPaint(i, colors[i]);
            emaRenderer.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        price.setDataset(2, emas);
        price.setRenderer(2, emaRenderer);

        XYPlot volumePlot =
                new XYPlot(
                        new TimeSeriesCollection(volumes),
                        null,
                        new NumberAxis("Volume"),
                        new XYBarRenderer(0.2));
        ((XYBarRenderer) volumePlot.getRenderer()).setSeriesPaint(0, new Color(120, 120, 120));
        ((XYBarRenderer) volumePlot.getRenderer()).setShadowVisible(false);

        DateAxis time = new DateAxis("UTC");
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
        combined.add(price, 4);
        combined.add(volumePlot, 1);
        combined.setGap(8);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1600, 900);
    }

    private static void addIfWarm(TimeSeries series, Millisecond t, double value) {
        if (!Double.isNaN(value)) {
            series.add(t, value);
        }
    }
}
