package io.gptq4j.engine.quant;

import io.gptq4j.engine.linalg.Blas;
import io.gptq4j.engine.linalg.Triangle;
import java.util.stream.IntStream;

/** Transpositions, permutations and the weighted trace used around the GPTQ sweep. */
final class Layout {
    private static final int TILE = 64;
    /** Rows of the Gram matrix formed per step of {@link #weightedTrace}: 1024 x cols floats of scratch. */
    private static final int TRACE_BLOCK = 1024;

    private Layout() {
    }

    /** Returns the cols x rows transpose of a row-major rows x cols matrix. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        int rowTiles = (rows + TILE - 1) / TILE;
        IntStream.range(0, rowTiles).parallel().forEach(tile -> {
            int r0 = tile * TILE;
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        t[c * rows + r] = a[r * cols + c];
                    }
                }
            }
        });
        return t;
    }

    /** Returns the rows x cols matrix whose column perm[p] is row p of {@code t} (cols x rows). */
    static float[] transposeScatter(float[] t, int rows, int cols, int[] perm) {
        float[] a = new float[t.length];
        int rowTiles = (rows + TILE - 1) / TILE;
        IntStream.range(0, rowTiles).parallel().forEach(tile -> {
            int r0 = tile * TILE;
            int r1 = Math.min(rows, r0 + TILE);
            // Square tiles keep both the TILE source rows and the TILE destination rows in cache.
            for (int p0 = 0; p0 < cols; p0 += TILE) {
                int p1 = Math.min(cols, p0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int dst = r * cols;
                    for (int p = p0; p < p1; p++) {
                        a[dst + perm[p]] = t[p * rows + r];
                    }
                }
            }
        });
        return a;
    }

    /** Returns the matrix whose row p is row perm[p] of {@code a} (n rows of length width). */
    static float[] permuteRows(float[] a, int width, int[] perm) {
        float[] out = new float[a.length];
        for (int p = 0; p < perm.length; p++) {
            System.arraycopy(a, perm[p] * width, out, p * width, width);
        }
        return out;
    }

    /** Returns {@code H[perm][:, perm]} for a row-major n x n matrix. */
    static float[] permuteSymmetric(float[] h, int n, int[] perm) {
        float[] out = new float[h.length];
        IntStream.range(0, n).parallel().forEach(i -> {
            int src = perm[i] * n;
            int dst = i * n;
            for (int j = 0; j < n; j++) {
                out[dst + j] = h[src + perm[j]];
            }
        });
        return out;
    }

    /**
     * Returns {@code tr(W H W^T) = sum_ij H_ij (W^T W)_ij} in float64, from the transpose
     * {@code wt} (cols x rows) and a full symmetric H (cols x cols). The upper triangle of the Gram
     * matrix is formed in row blocks, one SYRK for each diagonal block and one GEMM for the
     * rectangle to its right, so the cost is cols^2 * rows / 2 multiply-adds plus one pass over H.
     */
    static double weightedTrace(float[] wt, float[] h, int rows, int cols) {
        Blas blas = Blas.get();
        int blockRows = Math.min(TRACE_BLOCK, cols);
        float[] gram = new float[blockRows * cols];
        double sum = 0;
        for (int i0 = 0; i0 < cols; i0 += blockRows) {
            int i1 = Math.min(cols, i0 + blockRows);
            int nb = i1 - i0;
            int width = cols - i0;
            // gram row i - i0, column j - i0 contains (W^T W)_ij for j >= i.
            blas.ssyrk(Triangle.UPPER, false, nb, rows, 1f, wt, i0 * rows, rows, 0f, gram, 0, width);
            if (i1 < cols) {
                blas.sgemm(false, true, nb, cols - i1, rows, 1f, wt, i0 * rows, rows, wt, i1 * rows, rows,
                        0f, gram, nb, width);
            }
            for (int i = i0; i < i1; i++) {
                int g = (i - i0) * width - i0;
                int hRow = i * cols;
                sum += (double) h[hRow + i] * gram[g + i];
                double off = 0;
                for (int j = i + 1; j < cols; j++) {
                    off += (double) h[hRow + j] * gram[g + j];
                }
                sum += 2 * off;
            }
        }
        return sum;
    }
}
