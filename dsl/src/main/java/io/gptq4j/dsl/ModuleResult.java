package io.gptq4j.dsl;

/**
 * What quantizing one module produced.
 *
 * @param step            1-based index of the session step that quantized the module
 * @param layer           decoder layer index
 * @param module          Hugging Face name within the layer, e.g. {@code mlp.down_proj}
 * @param spec            the settings used, after rules were applied
 * @param avgLoss         AutoGPTQ's printed {@code avg loss}: the GPTQ loss sum divided by the number of
 *                        calibration samples
 * @param lossSum         sum over weights of (w - q)^2 / (2 d^2), d the diagonal of the inverse-Hessian
 *                        Cholesky factor
 * @param relativeError   tr(dW H dW^T) / tr(W H W^T): the scale-free output error
 * @param dampPercentUsed damping fraction finally used (raised when the damped Hessian was not
 *                        positive definite)
 * @param deadColumns     input columns with a zero Hessian diagonal (never activated by the calibration)
 * @param calibrationTokens tokens the Hessian was built from
 * @param seconds         wall time of the GPTQ solve, without the forward passes
 */
public record ModuleResult(int step, int layer, String module, QuantSpec spec, double avgLoss, double lossSum,
                           double relativeError, double dampPercentUsed, int deadColumns,
                           long calibrationTokens, double seconds) {

    /** Returns the module's full name, e.g. {@code model.layers.3.mlp.down_proj}. */
    public String fullName() {
        return "model.layers." + layer + "." + module;
    }

    /** Returns the module type without its block, e.g. {@code down_proj}: the series key of plots. */
    public String moduleType() {
        return module.substring(module.indexOf('.') + 1);
    }
}
