package io.gptq4j.engine.quant;

/** The action GPTQ takes when the damped Hessian is not positive definite (its Cholesky fails). */
public enum DampPolicy {
    /** Throw an error naming the module and the damping used (AutoGPTQ behaviour). */
    RAISE,
    /**
     * Add {@link QuantConfig#DAMP_INCREMENT} to the damping percentage and retry until the
     * Cholesky succeeds, while it stays below 1 (GPTQModel's {@code damp_auto_increment}).
     */
    INCREMENT,
    /** Quantize the module with round-to-nearest instead, on the same grid. */
    RTN
}
