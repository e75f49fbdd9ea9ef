package io.gptq4j.kernel.display;

import io.gptq4j.dsl.display.MimeBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** XChart charts as PNG (default) or SVG; SVG needs VectorGraphics2D, a dependency of XChart 3.8.8. */
final class ChartRenderer {

    private ChartRenderer() {
    }

    static MimeBundle png(Chart<?, ?> chart) {
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return MimeBundle.text(describe(chart)).with(MimeBundle.IMAGE_PNG, png);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode the chart as PNG: " + e.getMessage(), e);
        }
    }

    static MimeBundle svg(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode the chart as SVG: " + e.getMessage(), e);
        }
        return MimeBundle.text(describe(chart)).with(MimeBundle.IMAGE_SVG, out.toString(StandardCharsets.UTF_8));
    }

    private static String describe(Chart<?, ?> chart) {
        String title = chart.getTitle();
        return chart.getClass().getSimpleName() + (title == null || title.isEmpty() ? "" : " \"" + title + "\"")
                + " " + chart.getWidth() + "x" + chart.getHeight();
    }
}
