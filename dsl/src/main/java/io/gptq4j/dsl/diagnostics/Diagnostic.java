package io.gptq4j.dsl.diagnostics;

/**
 * One warning a session raised while it ran a step or an evaluation.
 *
 * @param code    stable identifier, e.g. {@code EARLY_LAYER_ERROR}; see {@link Diagnostics}
 * @param subject what it is about, e.g. {@code model.layers.0.self_attn.q_proj} or {@code eval}
 * @param message one plain sentence: what was seen, the likely cause and what to do
 */
public record Diagnostic(String code, String subject, String message) {

    @Override
    public String toString() {
        return "warning " + code + " (" + subject + "): " + message;
    }
}
