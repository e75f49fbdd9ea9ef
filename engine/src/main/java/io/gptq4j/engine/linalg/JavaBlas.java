package io.gptq4j.engine.linalg;

import java.util.stream.IntStream;

/**
 * Pure-Java {@link Blas}: the fallback when OpenBLAS cannot load, and an independent reference in
 * tests. GEMM packs a KC x NC tile of op(B) and updates rows of C with contiguous 4-way axpy loops
 * that HotSpot vectorises, in parallel over row blocks. The factorisations are blocked and spend
 * their time in {@link #ssyrk}, which is built on the GEMM kernel. Lower-triangle routines
 * transpose into the upper form, which is the natural one for row-major storage.
 */
final class JavaBlas implements Blas {
    private static final int NC = 512;
    private static final int KC = 128;
    private static final int ROWS_PER_TASK = 16;
    /** Below this many multiply-adds a call runs on the calling thread. */
    private static final long PARALLEL_THRESHOLD = 1L << 18;
    /** Block size of the blocked Cholesky and of the SYRK row blocks. */
    private static final int NB = 64;
    /** Rows of the inverse computed together in the triangular inverse, for reuse of each row of U. */
    private static final int INVERSE_TILE = 32;

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        scale(beta, c, cOffset, ldc, m, n);
        if (k == 0 || alpha == 0f) {
            return;
        }
        boolean parallel = (long) m * n * k >= PARALLEL_THRESHOLD;
        if (transB && m < 8) {
            dotRows(m, n, k, alpha, transA, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, parallel);
            return;
        }
        float[] packed = new float[Math.min(KC, k) * Math.min(NC, n)];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                pack(transB, b, bOffset, ldb, pc, kc, jc, nc, packed);
                int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
                int jcF = jc;
                int pcF = pc;
                IntStream range = IntStream.range(0, tasks);
                (parallel ? range.parallel() : range).forEach(t -> {
                    int i0 = t * ROWS_PER_TASK;
                    int i1 = Math.min(m, i0 + ROWS_PER_TASK);
                    kernel(i0, i1, pcF, kc, jcF, nc, alpha, transA, a, aOffset, lda, packed, c, cOffset, ldc);
                });
            }
        }
    }

    private static void scale(float beta, float[] c, int cOffset, int ldc, int m, int n) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOffset + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    /** Copies op(B)[pc : pc+kc, jc : jc+nc] into a dense kc x nc row-major tile. */
    private static void pack(boolean transB, float[] b, int bOffset, int ldb, int pc, int kc, int jc, int nc,
                             float[] packed) {
        for (int p = 0; p < kc; p++) {
            int dst = p * nc;
            if (transB) {
                int src = bOffset + jc * ldb + pc + p;
                for (int j = 0; j < nc; j++) {
                    packed[dst + j] = b[src + j * ldb];
                }
            } else {
                System.arraycopy(b, bOffset + (pc + p) * ldb + jc, packed, dst, nc);
            }
        }
    }

    private static void kernel(int i0, int i1, int pc, int kc, int jc, int nc, float alpha, boolean transA,
                               float[] a, int aOffset, int lda, float[] packed, float[] c, int cOffset, int ldc) {
        for (int i = i0; i < i1; i++) {
            int ci = cOffset + i * ldc + jc;
            int p = 0;
            for (; p + 3 < kc; p += 4) {
                float a0 = alpha * elementA(transA, a, aOffset, lda, i, pc + p);
                float a1 = alpha * elementA(transA, a, aOffset, lda, i, pc + p + 1);
                float a2 = alpha * elementA(transA, a, aOffset, lda, i, pc + p + 2);
                float a3 = alpha * elementA(transA, a, aOffset, lda, i, pc + p + 3);
                int b0 = p * nc;
                int b1 = b0 + nc;
                int b2 = b1 + nc;
                int b3 = b2 + nc;
                for (int j = 0; j < nc; j++) {
                    c[ci + j] += a0 * packed[b0 + j] + a1 * packed[b1 + j] + a2 * packed[b2 + j] + a3 * packed[b3 + j];
                }
            }
            for (; p < kc; p++) {
                float a0 = alpha * elementA(transA, a, aOffset, lda, i, pc + p);
                int b0 = p * nc;
                for (int j = 0; j < nc; j++) {
                    c[ci + j] += a0 * packed[b0 + j];
                }
            }
        }
    }

    private static float elementA(boolean transA, float[] a, int aOffset, int lda, int i, int p) {
        return transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
    }

    /** C += alpha * op(A) * B^T for few rows of C: dot products of contiguous rows of B. */
    private static void dotRows(int m, int n, int k, float alpha, boolean transA, float[] a, int aOffset, int lda,
                                float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc, boolean parallel) {
        float[] rowA = new float[k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                rowA[p] = elementA(transA, a, aOffset, lda, i, p);
            }
            int ci = cOffset + i * ldc;
            IntStream js = IntStream.range(0, n);
            (parallel ? js.parallel() : js).forEach(j -> {
                int bj = bOffset + j * ldb;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                int p = 0;
                for (; p + 3 < k; p += 4) {
                    s0 += rowA[p] * b[bj + p];
                    s1 += rowA[p + 1] * b[bj + p + 1];
                    s2 += rowA[p + 2] * b[bj + p + 2];
                    s3 += rowA[p + 3] * b[bj + p + 3];
                }
                for (; p < k; p++) {
                    s0 += rowA[p] * b[bj + p];
                }
                c[ci + j] += alpha * ((s0 + s1) + (s2 + s3));
            });
        }
    }

    @Override
    public void ssyrk(Triangle triangle, boolean trans, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float beta, float[] c, int cOffset, int ldc) {
        // Row block I of C: the rectangle beside the diagonal tile, then the diagonal tile row by row.
        for (int i0 = 0; i0 < n; i0 += NB) {
            int i1 = Math.min(n, i0 + NB);
            int rectFrom = triangle == Triangle.UPPER ? i1 : 0;
            int rectTo = triangle == Triangle.UPPER ? n : i0;
            if (rectTo > rectFrom) {
                syrkTile(trans, i0, i1 - i0, rectFrom, rectTo - rectFrom, k, alpha, a, aOffset, lda, beta, c, cOffset, ldc);
            }
            for (int i = i0; i < i1; i++) {
                int from = triangle == Triangle.UPPER ? i : i0;
                int to = triangle == Triangle.UPPER ? i1 : i + 1;
                syrkTile(trans, i, 1, from, to - from, k, alpha, a, aOffset, lda, beta, c, cOffset, ldc);
            }
        }
    }

    /** C[rows, cols] = alpha * op(A)[rows, :] op(A)[cols, :]^T + beta C[rows, cols], op(A) being n x k. */
    private void syrkTile(boolean trans, int row0, int rows, int col0, int cols, int k,
                          float alpha, float[] a, int aOffset, int lda, float beta, float[] c, int cOffset, int ldc) {
        int cAt = cOffset + row0 * ldc + col0;
        if (trans) {
            sgemm(true, false, rows, cols, k, alpha, a, aOffset + row0, lda, a, aOffset + col0, lda, beta, c, cAt, ldc);
        } else {
            sgemm(false, true, rows, cols, k, alpha, a, aOffset + row0 * lda, lda, a, aOffset + col0 * lda, lda,
                    beta, c, cAt, ldc);
        }
    }

    @Override
    public int spotrf(Triangle triangle, int n, float[] a, int offset, int lda) {
        if (triangle == Triangle.UPPER) {
            return choleskyUpper(n, a, offset, lda);
        }
        float[] upper = transposeLowerToUpper(n, a, offset, lda);
        int info = choleskyUpper(n, upper, 0, n);
        copyUpperToLower(n, upper, a, offset, lda);
        return info;
    }

    @Override
    public int spotri(Triangle triangle, int n, float[] a, int offset, int lda) {
        float[] factor = triangle == Triangle.UPPER ? copyUpper(n, a, offset, lda) : transposeLowerToUpper(n, a, offset, lda);
        // A = U^T U, so A^-1 = V V^T with V = U^-1 upper.
        int info = invertUpperInPlace(n, factor);
        if (info != 0) {
            return info;
        }
        float[] inverse = new float[n * n];
        ssyrk(Triangle.UPPER, false, n, n, 1f, factor, 0, n, 0f, inverse, 0, n);
        if (triangle == Triangle.UPPER) {
            copyUpperBack(n, inverse, a, offset, lda);
        } else {
            copyUpperToLower(n, inverse, a, offset, lda);
        }
        return 0;
    }

    @Override
    public int strtri(Triangle triangle, int n, float[] a, int offset, int lda) {
        float[] factor = triangle == Triangle.UPPER ? copyUpper(n, a, offset, lda) : transposeLowerToUpper(n, a, offset, lda);
        int info = invertUpperInPlace(n, factor);
        if (info != 0) {
            return info;
        }
        if (triangle == Triangle.UPPER) {
            copyUpperBack(n, factor, a, offset, lda);
        } else {
            copyUpperToLower(n, factor, a, offset, lda);
        }
        return 0;
    }

    /**
     * Right-looking blocked Cholesky {@code A = U^T U} on the upper triangle: factor the NB rows of a
     * block row (diagonal tile, then the panel to its right in parallel column chunks), then
     * subtract {@code U12^T U12} from the trailing matrix with SYRK.
     */
    private int choleskyUpper(int n, float[] a, int off, int lda) {
        for (int k0 = 0; k0 < n; k0 += NB) {
            int k1 = Math.min(n, k0 + NB);
            for (int r = k0; r < k1; r++) {
                int rr = off + r * lda;
                float d = a[rr + r];
                if (!(d > 0f)) {
                    return r + 1;
                }
                d = (float) Math.sqrt(d);
                a[rr + r] = d;
                updateBlockRows(a, off, lda, r, k1, r + 1, k1, d);
            }
            int panel = n - k1;
            if (panel > 0) {
                int chunk = 256;
                int chunks = (panel + chunk - 1) / chunk;
                int k0F = k0;
                int k1F = k1;
                IntStream range = IntStream.range(0, chunks);
                ((long) panel * NB * NB >= PARALLEL_THRESHOLD ? range.parallel() : range).forEach(t -> {
                    int j0 = k1F + t * chunk;
                    int j1 = Math.min(n, j0 + chunk);
                    for (int r = k0F; r < k1F; r++) {
                        updateBlockRows(a, off, lda, r, k1F, j0, j1, a[off + r * lda + r]);
                    }
                });
                ssyrk(Triangle.UPPER, true, panel, k1 - k0, -1f, a, off + k0 * lda + k1, lda,
                        1f, a, off + k1 * lda + k1, lda);
            }
        }
        return 0;
    }

    /**
     * Divides row r's columns [j0, j1) by its diagonal d, then subtracts its outer-product
     * contribution from rows r+1 .. k1-1 of the same block row over those columns.
     */
    private static void updateBlockRows(float[] a, int off, int lda, int r, int k1, int j0, int j1, float d) {
        int rr = off + r * lda;
        for (int j = j0; j < j1; j++) {
            a[rr + j] /= d;
        }
        for (int s = r + 1; s < k1; s++) {
            float f = a[rr + s];
            int ss = off + s * lda;
            // In the diagonal tile only columns j >= s belong to the upper triangle.
            int from = Math.max(j0, s);
            for (int j = from; j < j1; j++) {
                a[ss + j] -= f * a[rr + j];
            }
        }
    }

    /**
     * Replaces a dense n x n upper triangular U (zeros below) by V = U^-1. Row i of V solves
     * {@code v U = e_i} by forward substitution in axpy form, so every access is a contiguous row
     * of U; a tile of rows shares each row of U while it is in cache.
     */
    private static int invertUpperInPlace(int n, float[] u) {
        for (int i = 0; i < n; i++) {
            if (u[i * n + i] == 0f) {
                return i + 1;
            }
        }
        float[] inverse = new float[n * n];
        int tiles = (n + INVERSE_TILE - 1) / INVERSE_TILE;
        IntStream range = IntStream.range(0, tiles);
        ((long) n * n * n >= PARALLEL_THRESHOLD ? range.parallel() : range).forEach(t -> {
            int i0 = t * INVERSE_TILE;
            int i1 = Math.min(n, i0 + INVERSE_TILE);
            float[] acc = new float[(i1 - i0) * n];
            for (int p = i0; p < n; p++) {
                int up = p * n;
                float diag = u[up + p];
                int last = Math.min(i1, p + 1);
                for (int i = i0; i < last; i++) {
                    int ai = (i - i0) * n;
                    float v = ((i == p ? 1f : 0f) - acc[ai + p]) / diag;
                    inverse[i * n + p] = v;
                    for (int j = p + 1; j < n; j++) {
                        acc[ai + j] += v * u[up + j];
                    }
                }
            }
        });
        System.arraycopy(inverse, 0, u, 0, n * n);
        return 0;
    }

    private static float[] copyUpper(int n, float[] a, int off, int lda) {
        float[] u = new float[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, off + i * lda + i, u, i * n + i, n - i);
        }
        return u;
    }

    private static float[] transposeLowerToUpper(int n, float[] a, int off, int lda) {
        float[] u = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = a[off + i * lda + j];
            }
        }
        return u;
    }

    private static void copyUpperBack(int n, float[] u, float[] a, int off, int lda) {
        for (int i = 0; i < n; i++) {
            System.arraycopy(u, i * n + i, a, off + i * lda + i, n - i);
        }
    }

    private static void copyUpperToLower(int n, float[] u, float[] a, int off, int lda) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[off + i * lda + j] = u[j * n + i];
            }
        }
    }
}
