package io.gptq4j.dsl;

import io.gptq4j.dsl.diagnostics.Diagnostic;
import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one quantize step: its modules' losses and the warnings the diagnostics raised.
 * Shown in a notebook as a summary line, the warnings and a table of modules.
 *
 * @param step      1-based step index in the session
 * @param selection what the step selected
 * @param spec      the step's base settings (rules may have changed single modules)
 * @param rules     the step's per-module rules
 * @param modules   one result per quantized module, in quantization order
 * @param warnings  what the diagnostics found
 * @param seconds   wall time of the whole step, forward passes included
 */
public record StepResult(int step, Selection selection, QuantSpec spec, List<Rule> rules,
                         List<ModuleResult> modules, List<Diagnostic> warnings, double seconds) implements RichDisplay {

    public StepResult {
        rules = List.copyOf(rules);
        modules = List.copyOf(modules);
        warnings = List.copyOf(warnings);
    }

    /** Returns the mean avg loss over the step's modules. */
    public double meanAvgLoss() {
        return modules.stream().mapToDouble(ModuleResult::avgLoss).average().orElse(Double.NaN);
    }

    /** Returns a one-line summary. */
    public String summary() {
        return String.format(Locale.ROOT, "step %d: %s, %s: %d modules, mean avg loss %s, max relative error %s, %.1f s%s",
                step, selection, spec.label(), modules.size(), Html.number(meanAvgLoss()),
                Html.number(modules.stream().mapToDouble(ModuleResult::relativeError).max().orElse(Double.NaN)),
                seconds, warnings.isEmpty() ? "" : ", " + warnings.size() + " warning(s)");
    }

    @Override
    public MimeBundle toMimeBundle() {
        StringBuilder plain = new StringBuilder(summary());
        StringBuilder html = new StringBuilder("<div><p><b>").append(Html.escape(summary())).append("</b></p>");
        html.append(Html.warnings(warnings));
        for (Diagnostic d : warnings) {
            plain.append('\n').append(d);
        }
        html.append(Html.moduleTable(modules)).append("</div>");
        return MimeBundle.text(plain.toString()).with(MimeBundle.TEXT_HTML, html.toString());
    }

    @Override
    public String toString() {
        return summary();
    }
}
