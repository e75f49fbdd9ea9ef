package io.gptq4j.engine.quant;

/**
 * The method that computes U, the upper Cholesky factor of the inverse damped Hessian
 * ({@code U^T U = H_d^-1}), and with it how exactly the column sweep follows AutoGPTQ's float32
 * arithmetic.
 */
public enum Factorization {
    /**
     * AutoGPTQ's chain: Cholesky of H_d, inverse from that factor (LAPACK potri), Cholesky of the
     * inverse. About 4/3 n^3 flops. The sweep applies each block's in-block error feedback in
     * AutoGPTQ's order, one column at a time.
     */
    AUTOGPTQ,
    /**
     * One Cholesky of H_d with its rows and columns reversed, {@code J H_d J = L L^T}, then one
     * triangular inverse: {@code H_d = V V^T} with {@code V = J L J} upper, so
     * {@code H_d^-1 = V^-T V^-1} and {@code U = V^-1 = J L^-1 J}. The factor is unique, so this is
     * the same U up to rounding, in about 2/3 n^3 flops. The sweep also applies the in-block error
     * feedback of earlier 32-column sub-blocks with a GEMM, which sums in another order.
     */
    FAST
}
