package io.gptq4j.engine.forward;

import io.gptq4j.engine.linalg.Blas;

/**
 * The matrix products of the forward pass, behind one seam so the BLAS can be swapped in one place.
 * Large products go to {@link Blas#get()}. Small ones run on the calling thread in plain Java:
 * waking BLAS threads and copying operands off-heap costs more than a product of a few million
 * multiply-adds, as with stories260K, where the caller parallelizes across windows instead.
 */
final class Matmul {
    /** Products with fewer multiply-adds than this stay on the calling thread. */
    static final long BLAS_THRESHOLD = 1L << 25;

    private Matmul() {
    }

    /**
     * Computes {@code y[rows × out] = x[rows × in] · w[out × in]ᵀ}, all row-major, overwriting y.
     */
    static void multiplyTransposed(float[] x, int rows, int in, float[] w, int out, float[] y) {
        if ((long) rows * in * out >= BLAS_THRESHOLD) {
            Blas.get().sgemm(false, true, rows, out, in, 1f, x, 0, in, w, 0, in, 0f, y, 0, out);
        } else {
            multiplyTransposedSmall(x, rows, in, w, out, y);
        }
    }

    /**
     * Transposes w once, then adds four scaled rows of wᵀ at a time to each output row: contiguous
     * multiply-adds over the output columns, which HotSpot vectorizes.
     */
    static void multiplyTransposedSmall(float[] x, int rows, int in, float[] w, int out, float[] y) {
        float[] wt = new float[in * out];
        for (int j = 0; j < out; j++) {
            for (int k = 0; k < in; k++) {
                wt[k * out + j] = w[j * in + k];
            }
        }
        java.util.Arrays.fill(y, 0, rows * out, 0f);
        for (int t = 0; t < rows; t++) {
            int xt = t * in;
            int yt = t * out;
            int k = 0;
            for (; k + 4 <= in; k += 4) {
                float a0 = x[xt + k];
                float a1 = x[xt + k + 1];
                float a2 = x[xt + k + 2];
                float a3 = x[xt + k + 3];
                int r0 = k * out;
                int r1 = r0 + out;
                int r2 = r1 + out;
                int r3 = r2 + out;
                for (int j = 0; j < out; j++) {
                    y[yt + j] += a0 * wt[r0 + j] + a1 * wt[r1 + j] + a2 * wt[r2 + j] + a3 * wt[r3 + j];
                }
            }
            for (; k < in; k++) {
                float a = x[xt + k];
                int r = k * out;
                for (int j = 0; j < out; j++) {
                    y[yt + j] += a * wt[r + j];
                }
            }
        }
    }
}
