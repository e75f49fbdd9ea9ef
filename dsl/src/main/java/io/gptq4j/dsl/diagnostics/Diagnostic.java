package io.gptq4j.dsl.diagnostics;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;

/**
 * One warning a session raised while it ran a step or an evaluation.
 *
 * @param code    stable identifier, e.g. {@code EARLY_LAYER_ERROR}; see {@link Diagnostics}
 * @param subject what it is about, e.g. {@code model.layers.0.self_attn.q_proj} or {@code eval}
 * @param message one plain sentence: what was seen, the likely cause and what to do
 */
public record Diagnostic(String code, String subject, String message) implements RichDisplay {

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.text(toString()).with(MimeBundle.TEXT_HTML,
                "<div style=\"background:#fff3cd;border-left:4px solid #e0a800;padding:4px 8px\">&#9888; <b>"
                        + escape(code) + "</b> " + escape(subject) + ": " + escape(message) + "</div>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public String toString() {
        return "warning " + code + " (" + subject + "): " + message;
    }
}
