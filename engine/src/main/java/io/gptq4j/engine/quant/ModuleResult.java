package io.gptq4j.engine.quant;

import io.gptq4j.engine.model.ModuleName;

/**
 * What quantizing one module did.
 *
 * @param layer           decoder layer index
 * @param module          module name, Hugging Face style relative to the layer
 * @param rows            output features
 * @param cols            input features
 * @param avgLoss         AutoGPTQ's printed "avg loss": lossSum / nsamples; NaN for RTN and for
 *                        modules left unquantized
 * @param lossSum         GPTQ loss Σ (w − q)² / (2·d²) over all weights; NaN where avgLoss is NaN
 * @param relativeError   tr(ΔW·H·ΔWᵀ) / tr(W·H·Wᵀ) with the undamped Hessian, a scale-free error;
 *                        NaN where avgLoss is NaN
 * @param nsamples        calibration windows that reached the module (0 for RTN)
 * @param ntokens         calibration tokens that reached the module (0 for RTN)
 * @param dampPercentUsed the damping that made the Hessian positive definite, after any retries;
 *                        NaN for RTN, including GPTQ's RTN fallback
 * @param seconds         wall time of this module's quantization (not of the forward passes)
 * @param config          the configuration the module was quantized with
 * @param outcome         what happened to the module's weights
 */
public record ModuleResult(
        int layer,
        ModuleName module,
        int rows,
        int cols,
        double avgLoss,
        double lossSum,
        double relativeError,
        int nsamples,
        long ntokens,
        double dampPercentUsed,
        double seconds,
        QuantConfig config,
        Outcome outcome) {

    /** What happened to a module's weights. */
    public enum Outcome {
        /** Replaced by the GPTQ solution. */
        GPTQ,
        /** Replaced by round-to-nearest: RTN mode, or GPTQ's fallback when the Hessian could not be factored. */
        RTN,
        /** Left unquantized because no calibration token reached the module. */
        NO_TOKENS
    }

    /** Full module name, e.g. {@code model.layers.3.mlp.down_proj}. */
    public String fullName() {
        return ModuleQuantizer.fullName(layer, module);
    }
}
