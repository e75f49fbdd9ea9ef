package io.gptq4j.dsl.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gptq4j.dsl.PerplexityRow;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;

class PerplexityChartTest {

    private static PerplexityRow row(String name, double perplexity) {
        return new PerplexityRow(name, 4, 32, false, 5, perplexity, 0);
    }

    @Test
    void axisStartsBelowSmallestBar() {
        CategoryChart chart = Plots.perplexity(List.of(row("original", 4.0), row("GPTQ", 4.5), row("RTN", 5.0)));
        // Spread 1.0, so the axis starts half of it below the smallest bar: 4.0 - 0.5.
        assertEquals(3.5, chart.getStyler().getYAxisMin(), 1e-12);
    }

    @Test
    void equalBarsStartFivePercentBelow() {
        CategoryChart chart = Plots.perplexity(List.of(row("a", 8.0), row("b", 8.0)));
        assertEquals(7.6, chart.getStyler().getYAxisMin(), 1e-12);
    }

    @Test
    void axisNeverBelowZero() {
        assertEquals(0.0, Plots.axisMin(1.0, 9.0), 0.0);
    }

    @Test
    void labelsShowFourDecimals() {
        CategoryChart chart = Plots.perplexity(List.of(row("original", 4.371009123456789)));
        DecimalFormat format = new DecimalFormat(chart.getStyler().getYAxisDecimalPattern(),
                DecimalFormatSymbols.getInstance(chart.getStyler().getLocale()));
        assertEquals("4.3710", format.format(4.371009123456789));
    }

    @Test
    void sensitivityAxisStartsBelowSmallestBar() {
        CategoryChart chart = Plots.sensitivity(3.84, new double[] {3.9, 4.1, 3.95});
        assertEquals(3.8, chart.getStyler().getYAxisMin(), 1e-12);
    }
}
