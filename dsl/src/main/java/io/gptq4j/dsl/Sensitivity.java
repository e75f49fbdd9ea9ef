package io.gptq4j.dsl;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;
import io.gptq4j.dsl.plot.Plots;
import io.gptq4j.dsl.table.Tables;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.Table;

/**
 * Perplexity when only one layer is quantized, for every layer: the layers that raise it most are
 * the ones to keep at higher precision.
 *
 * @param spec               settings each layer was quantized with
 * @param eval               the evaluation
 * @param originalPerplexity perplexity of the unquantized model
 * @param perplexityPerLayer perplexity with only layer L quantized, indexed by L
 */
public record Sensitivity(QuantSpec spec, Eval eval, double originalPerplexity, double[] perplexityPerLayer)
        implements RichDisplay {

    public Sensitivity {
        perplexityPerLayer = perplexityPerLayer.clone();
    }

    @Override
    public double[] perplexityPerLayer() {
        return perplexityPerLayer.clone();
    }

    /** Returns the layer indices ordered from the most to the least sensitive. */
    public List<Integer> ranking() {
        return IntStream.range(0, perplexityPerLayer.length).boxed()
                .sorted(Comparator.comparingDouble((Integer l) -> perplexityPerLayer[l]).reversed()).toList();
    }

    /** Returns the {@code count} most sensitive layers. */
    public List<Integer> mostSensitive(int count) {
        return ranking().subList(0, Math.min(count, perplexityPerLayer.length));
    }

    /** Returns the result as a table: layer, PPL, change against the original. */
    public Table table() {
        return Tables.sensitivity(originalPerplexity, perplexityPerLayer);
    }

    /** Returns the result as a bar chart. */
    public CategoryChart plot() {
        return Plots.sensitivity(originalPerplexity, perplexityPerLayer);
    }

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.text(toString()).with(MimeBundle.TEXT_HTML, Html.table(table()));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "sensitivity at %s on %s: original %.6f", spec.label(), eval.file(), originalPerplexity));
        for (int l = 0; l < perplexityPerLayer.length; l++) {
            s.append(String.format(Locale.ROOT, "%n  layer %d alone: %.6f (%+.2f %%)", l, perplexityPerLayer[l],
                    100 * (perplexityPerLayer[l] / originalPerplexity - 1)));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sensitivity other && spec.equals(other.spec) && eval.equals(other.eval)
                && Double.compare(originalPerplexity, other.originalPerplexity) == 0
                && Arrays.equals(perplexityPerLayer, other.perplexityPerLayer);
    }

    @Override
    public int hashCode() {
        return 31 * spec.hashCode() + Arrays.hashCode(perplexityPerLayer);
    }
}
