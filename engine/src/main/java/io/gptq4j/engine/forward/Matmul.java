package io.gptq4j.engine.forward;

import io.gptq4j.engine.linalg.Blas;
import java.util.Arrays;

/**
 * The matrix products of the forward pass, behind one seam so the BLAS can be swapped in one place.
 * Large products go to {@link Blas#get()}. Small ones run on the calling thread in plain Java:
 * waking BLAS threads and copying operands off-heap costs more than a product of a few million
 * multiply-adds, as with stories260K, where the caller parallelizes across windows instead.
 */
final class Matmul {
    /** Products with fewer multiply-adds than this stay on the calling thread. */
    static final long BLAS_THRESHOLD = 1L << 25;
    /** Rows of x per block of the small product, so that the block's transpose stays in the L2 cache. */
    private static final int ROW_BLOCK = 256;

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
     * Computes the product on the calling thread, {@code ROW_BLOCK} rows of x at a time. The block
     * is transposed into one array per input feature, and each pair of outputs accumulates over
     * the block's rows in two separate arrays. On HotSpot 17.0.15, C2 did not vectorize loops
     * that read one array at several loop-invariant offsets but did vectorize the same loop over
     * separate arrays, about 3× faster here. Each output element sums
     * {@code x·w} over k in the same groups of four and the same order as a plain row-by-row
     * loop would.
     */
    static void multiplyTransposedSmall(float[] x, int rows, int in, float[] w, int out, float[] y) {
        int block = Math.min(rows, ROW_BLOCK);
        float[][] xT = new float[in][block];
        float[] acc0 = new float[block];
        float[] acc1 = new float[block];
        for (int t0 = 0; t0 < rows; t0 += block) {
            int n = Math.min(block, rows - t0);
            for (int t = 0; t < n; t++) {
                int xt = (t0 + t) * in;
                for (int k = 0; k < in; k++) {
                    xT[k][t] = x[xt + k];
                }
            }
            int j = 0;
            for (; j + 2 <= out; j += 2) {
                accumulatePair(xT, in, n, w, j * in, (j + 1) * in, acc0, acc1);
                for (int t = 0; t < n; t++) {
                    int yt = (t0 + t) * out + j;
                    y[yt] = acc0[t];
                    y[yt + 1] = acc1[t];
                }
            }
            if (j < out) {
                // The odd last output reuses the pair kernel with itself as the partner.
                accumulatePair(xT, in, n, w, j * in, j * in, acc0, acc1);
                for (int t = 0; t < n; t++) {
                    y[(t0 + t) * out + j] = acc0[t];
                }
            }
        }
    }

    /**
     * Sets acc0[t] = Σ_k xT[k][t]·w[w0 + k] and acc1[t] = Σ_k xT[k][t]·w[w1 + k] for t < n, over
     * k in groups of four and then one by one.
     */
    private static void accumulatePair(float[][] xT, int in, int n, float[] w, int w0, int w1, float[] acc0,
                                       float[] acc1) {
        Arrays.fill(acc0, 0, n, 0f);
        Arrays.fill(acc1, 0, n, 0f);
        int k = 0;
        for (; k + 4 <= in; k += 4) {
            float b0 = w[w0 + k];
            float b1 = w[w0 + k + 1];
            float b2 = w[w0 + k + 2];
            float b3 = w[w0 + k + 3];
            float c0 = w[w1 + k];
            float c1 = w[w1 + k + 1];
            float c2 = w[w1 + k + 2];
            float c3 = w[w1 + k + 3];
            float[] x0 = xT[k];
            float[] x1 = xT[k + 1];
            float[] x2 = xT[k + 2];
            float[] x3 = xT[k + 3];
            for (int t = 0; t < n; t++) {
                float u0 = x0[t];
                float u1 = x1[t];
                float u2 = x2[t];
                float u3 = x3[t];
                acc0[t] += u0 * b0 + u1 * b1 + u2 * b2 + u3 * b3;
                acc1[t] += u0 * c0 + u1 * c1 + u2 * c2 + u3 * c3;
            }
        }
        for (; k < in; k++) {
            float b = w[w0 + k];
            float c = w[w1 + k];
            float[] xk = xT[k];
            for (int t = 0; t < n; t++) {
                acc0[t] += xk[t] * b;
                acc1[t] += xk[t] * c;
            }
        }
    }
}
