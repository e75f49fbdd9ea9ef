package io.gptq4j.dsl.plot;

import io.gptq4j.dsl.ModuleResult;
import io.gptq4j.dsl.PerplexityRow;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * XChart charts of session results. The notebook kernel renders a chart as a PNG; outside a
 * notebook, save one with {@code BitmapEncoder.saveBitmap}.
 */
public final class Plots {
    /** Chart size in pixels. */
    public static final int WIDTH = 720;
    public static final int HEIGHT = 400;

    /** Smallest value a log axis shows; exact zeros (a lossless module) are drawn here. */
    private static final double LOG_FLOOR = 1e-12;
    /** Perplexity labels and ticks: 4 decimals, enough for the differences GPTQ variants make. */
    static final String PERPLEXITY_PATTERN = "0.0000";

    private Plots() {
    }

    /** Returns the avg loss per layer on a log axis, one series per module type. */
    public static XYChart losses(List<ModuleResult> results) {
        return perLayer("GPTQ avg loss per layer", "avg loss", results, ModuleResult::avgLoss);
    }

    /** Returns the relative error tr(dW H dW^T) / tr(W H W^T) per layer, one series per module type. */
    public static XYChart relativeError(List<ModuleResult> results) {
        return perLayer("Relative error per layer", "relative error", results, ModuleResult::relativeError);
    }

    /** Returns the running mean of the avg loss over modules in the order they were quantized. */
    public static XYChart runningAverageLoss(List<ModuleResult> results) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Running average loss")
                .xAxisTitle("modules quantized").yAxisTitle("mean avg loss").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisLogarithmic(true);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < results.size(); i++) {
            sum += results.get(i).avgLoss();
            x.add((double) (i + 1));
            y.add(Math.max(LOG_FLOOR, sum / (i + 1)));
        }
        requireData(x, "running average loss");
        chart.addSeries("running mean", x, y).setMarker(SeriesMarkers.NONE);
        return chart;
    }

    /** Returns the perplexity of each configuration as bars. */
    public static CategoryChart perplexity(List<PerplexityRow> rows) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Perplexity")
                .xAxisTitle("configuration").yAxisTitle("PPL").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        List<String> names = new ArrayList<>();
        List<Double> ppl = new ArrayList<>();
        for (PerplexityRow r : rows) {
            names.add(r.configuration());
            ppl.add(r.perplexity());
        }
        requireData(names, "perplexity");
        chart.addSeries("PPL", names, ppl);
        zoomToBars(chart, ppl);
        return chart;
    }

    /** Returns the perplexity when only one layer is quantized, per layer, as bars. */
    public static CategoryChart sensitivity(double originalPerplexity, double[] perplexityPerLayer) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Sensitivity: PPL with one layer quantized (original %.4f)",
                        originalPerplexity))
                .xAxisTitle("layer").yAxisTitle("PPL").build();
        chart.getStyler().setLegendVisible(false);
        List<String> layers = new ArrayList<>();
        List<Double> ppl = new ArrayList<>();
        for (int l = 0; l < perplexityPerLayer.length; l++) {
            layers.add(Integer.toString(l));
            ppl.add(perplexityPerLayer[l]);
        }
        requireData(layers, "sensitivity");
        chart.addSeries("PPL", layers, ppl);
        zoomToBars(chart, ppl);
        return chart;
    }

    /**
     * Formats the y axis and the bar labels with 4 decimals and starts the axis below the smallest
     * bar, because perplexities differ by a few percent and bars from 0 look equal.
     */
    private static void zoomToBars(CategoryChart chart, List<Double> values) {
        chart.getStyler().setLocale(Locale.ROOT);
        chart.getStyler().setYAxisDecimalPattern(PERPLEXITY_PATTERN);
        DoubleSummaryStatistics finite = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite)
                .summaryStatistics();
        if (finite.getCount() > 0) {
            chart.getStyler().setYAxisMin(axisMin(finite.getMin(), finite.getMax()));
        }
    }

    /**
     * Returns the y axis start for bars from {@code min} to {@code max}: half the spread below the
     * smallest bar, so the smallest bar is a third as tall as the tallest, or 5 % below when all are
     * equal; never below 0.
     */
    static double axisMin(double min, double max) {
        double spread = max - min;
        double margin = spread > 0 ? 0.5 * spread : 0.05 * Math.abs(min);
        return Math.max(0, min - margin);
    }

    private static XYChart perLayer(String title, String yTitle, List<ModuleResult> results,
                                    ToDoubleFunction<ModuleResult> value) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("layer").yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisDecimalPattern("0");
        requireData(results, yTitle);
        // Later steps that re-quantize a module replace its earlier point.
        Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
        for (ModuleResult r : results) {
            series.computeIfAbsent(r.moduleType(), k -> new java.util.TreeMap<>())
                    .put(r.layer(), Math.max(LOG_FLOOR, value.applyAsDouble(r)));
        }
        for (Map.Entry<String, Map<Integer, Double>> e : series.entrySet()) {
            List<Integer> x = new ArrayList<>(e.getValue().keySet());
            List<Double> y = new ArrayList<>(e.getValue().values());
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static void requireData(List<?> data, String what) {
        if (data.isEmpty()) {
            throw new IllegalStateException("nothing to plot for " + what + " yet; run a quantize step first");
        }
    }
}
