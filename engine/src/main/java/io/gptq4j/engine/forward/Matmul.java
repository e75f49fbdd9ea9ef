package io.gptq4j.engine.forward;

import java.util.stream.IntStream;

/**
 * The one matrix product the forward pass needs, {@code y = x · wᵀ}, behind a seam so the
 * implementation can move to a BLAS without touching the layer code.
 */
final class Matmul {
    /** Weight rows per parallel task: 64 rows of a 2048-wide layer are 512 KiB, about one L2. */
    private static final int ROWS_PER_TASK = 64;
    private static final int TOKEN_BLOCK = 4;

    private Matmul() {
    }

    /**
     * Computes {@code y[rows × out] = x[rows × in] · w[out × in]ᵀ}, all row-major, overwriting y.
     */
    static void multiplyTransposed(float[] x, int rows, int in, float[] w, int out, float[] y) {
        int tasks = (out + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream.range(0, tasks).parallel().forEach(task -> {
            int firstRow = task * ROWS_PER_TASK;
            int lastRow = Math.min(out, firstRow + ROWS_PER_TASK);
            multiplyBlock(x, rows, in, w, out, y, firstRow, lastRow);
        });
    }

    /** Computes the columns firstRow..lastRow-1 of y, four tokens per pass over a weight row. */
    private static void multiplyBlock(float[] x, int rows, int in, float[] w, int out, float[] y,
                                      int firstRow, int lastRow) {
        int t = 0;
        for (; t + TOKEN_BLOCK <= rows; t += TOKEN_BLOCK) {
            int x0 = t * in;
            int x1 = x0 + in;
            int x2 = x1 + in;
            int x3 = x2 + in;
            for (int j = firstRow; j < lastRow; j++) {
                int wj = j * in;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int k = 0; k < in; k++) {
                    float wk = w[wj + k];
                    s0 += x[x0 + k] * wk;
                    s1 += x[x1 + k] * wk;
                    s2 += x[x2 + k] * wk;
                    s3 += x[x3 + k] * wk;
                }
                y[t * out + j] = s0;
                y[(t + 1) * out + j] = s1;
                y[(t + 2) * out + j] = s2;
                y[(t + 3) * out + j] = s3;
            }
        }
        for (; t < rows; t++) {
            int xt = t * in;
            for (int j = firstRow; j < lastRow; j++) {
                int wj = j * in;
                float s = 0f;
                for (int k = 0; k < in; k++) {
                    s += x[xt + k] * w[wj + k];
                }
                y[t * out + j] = s;
            }
        }
    }
}
