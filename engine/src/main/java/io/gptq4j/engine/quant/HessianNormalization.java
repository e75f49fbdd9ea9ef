package io.gptq4j.engine.quant;

/** The scale of the Hessian {@code H = c * sum over tokens of x x^T}. GPTQ's codes do not depend on it; its losses do. */
public enum HessianNormalization {
    /** {@code c = 2 / nsamples} with nsamples the number of calibration sequences (AutoGPTQ). */
    SEQUENCES,
    /** {@code c = 2 / ntokens} (GPTQModel since 2025). */
    TOKENS
}
