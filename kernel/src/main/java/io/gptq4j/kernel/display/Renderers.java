package io.gptq4j.kernel.display;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * Turns cell values into MIME bundles. Later registrations win over earlier ones, and a value
 * matches a registration when it is an instance of the registered class; values nothing matches
 * are shown as {@code text/plain} of {@link String#valueOf(Object)} (arrays element by element).
 * Built in: {@link RichDisplay}, XChart charts (PNG, or SVG after {@link #preferSvg}),
 * Tablesaw tables (HTML) and {@link BufferedImage} (PNG).
 */
public final class Renderers {

    private record Registration<T>(Class<T> type, Function<? super T, MimeBundle> render) {
        MimeBundle apply(Object value) {
            return render.apply(type.cast(value));
        }
    }

    private static final List<Registration<?>> REGISTRATIONS = new CopyOnWriteArrayList<>();
    private static volatile boolean svgCharts;

    static {
        register(BufferedImage.class, ImageRenderer::render);
        register(Table.class, TableRenderer::render);
        register(Chart.class, chart -> svgCharts ? ChartRenderer.svg(chart) : ChartRenderer.png(chart));
        register(RichDisplay.class, RichDisplay::toMimeBundle);
        register(MimeBundle.class, bundle -> bundle);
    }

    private Renderers() {
    }

    /** Registers how values of {@code type} (and its subtypes) are shown; replaces nothing. */
    public static <T> void register(Class<T> type, Function<? super T, MimeBundle> render) {
        REGISTRATIONS.add(0, new Registration<>(Objects.requireNonNull(type), Objects.requireNonNull(render)));
    }

    /** Shows later XChart charts as {@code image/svg+xml} instead of {@code image/png}. */
    public static void preferSvg(boolean svg) {
        svgCharts = svg;
    }

    /** Renders {@code value} with the first matching registration. */
    public static MimeBundle render(Object value) {
        if (value == null) {
            return MimeBundle.text("null");
        }
        for (Registration<?> registration : new ArrayList<>(REGISTRATIONS)) {
            if (registration.type().isInstance(value)) {
                return registration.apply(value);
            }
        }
        return MimeBundle.text(plainText(value));
    }

    static String plainText(Object value) {
        if (value.getClass().isArray()) {
            return Arrays.deepToString(new Object[] {value}).replaceAll("^\\[|]$", "");
        }
        return String.valueOf(value);
    }
}
