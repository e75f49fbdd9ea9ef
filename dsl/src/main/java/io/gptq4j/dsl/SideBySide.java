package io.gptq4j.dsl;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;

/**
 * Greedy generations of the original and the quantized model from one prompt.
 *
 * @param prompt    the prompt text
 * @param original  text the original model generated after the prompt
 * @param quantized text the session model generated after the prompt
 */
public record SideBySide(String prompt, String original, String quantized) implements RichDisplay {

    /** Returns whether both models generated the same text. */
    public boolean identical() {
        return original.equals(quantized);
    }

    @Override
    public MimeBundle toMimeBundle() {
        String html = "<table><tr><th>original</th><th>quantized</th></tr><tr>"
                + "<td style=\"white-space:pre-wrap;vertical-align:top\"><b>" + Html.escape(prompt) + "</b>"
                + Html.escape(original) + "</td>"
                + "<td style=\"white-space:pre-wrap;vertical-align:top\"><b>" + Html.escape(prompt) + "</b>"
                + Html.escape(quantized) + "</td></tr></table>";
        return MimeBundle.text(toString()).with(MimeBundle.TEXT_HTML, html);
    }

    @Override
    public String toString() {
        return "original:  " + prompt + original + "\nquantized: " + prompt + quantized;
    }
}
