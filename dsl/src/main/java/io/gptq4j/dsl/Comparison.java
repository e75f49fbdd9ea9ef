package io.gptq4j.dsl;

import io.gptq4j.dsl.diagnostics.Diagnostic;
import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;
import io.gptq4j.dsl.plot.Plots;
import io.gptq4j.dsl.table.Tables;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.Table;

/**
 * Perplexity of the original model, the session model and a round-to-nearest baseline on one
 * evaluation text.
 *
 * @param eval     the evaluation
 * @param rows     original first, then the session, then RTN (absent before any step)
 * @param warnings what the evaluation diagnostics found
 */
public record Comparison(Eval eval, List<PerplexityRow> rows, List<Diagnostic> warnings) implements RichDisplay {

    public Comparison {
        rows = List.copyOf(rows);
        warnings = List.copyOf(warnings);
    }

    /** Returns the original model's perplexity. */
    public double original() {
        return rows.get(0).perplexity();
    }

    /** Returns the session model's perplexity. */
    public double quantized() {
        return rows.size() > 1 ? rows.get(1).perplexity() : original();
    }

    /** Returns the rows as a table. */
    public Table table() {
        return Tables.perplexity(rows);
    }

    /** Returns the rows as a bar chart. */
    public CategoryChart plot() {
        return Plots.perplexity(rows);
    }

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.text(toString()).with(MimeBundle.TEXT_HTML,
                "<div>" + Html.warnings(warnings) + Html.table(table()) + "</div>");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("perplexity on " + eval.file() + " (seqlen " + eval.seqLen() + ")");
        for (PerplexityRow r : rows) {
            s.append(String.format(java.util.Locale.ROOT, "%n  %-28s %10.6f  %+7.2f %%", r.configuration(),
                    r.perplexity(), r.deltaPercent()));
        }
        warnings.forEach(w -> s.append('\n').append(w));
        return s.toString();
    }
}
