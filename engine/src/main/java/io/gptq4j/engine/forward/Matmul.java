package io.gptq4j.engine.forward;

import io.gptq4j.engine.linalg.Blas;

/**
 * The matrix products of the forward pass, behind one seam so the BLAS can be swapped in one place.
 */
final class Matmul {
    private Matmul() {
    }

    /**
     * Computes {@code y[rows × out] = x[rows × in] · w[out × in]ᵀ}, all row-major, overwriting y.
     */
    static void multiplyTransposed(float[] x, int rows, int in, float[] w, int out, float[] y) {
        Blas.get().sgemm(false, true, rows, out, in, 1f, x, 0, in, w, 0, in, 0f, y, 0, out);
    }
}
