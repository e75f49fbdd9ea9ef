package io.gptq4j.engine.linalg;

/**
 * The dense float32 BLAS/LAPACK subset the engine needs. Every matrix is row-major and addressed
 * as {@code (array, offset, leadingDimension)}: element (i, j) is {@code a[offset + i * ld + j]}.
 * Arguments follow CBLAS/LAPACKE row-major semantics, so an implementation may forward them
 * unchanged to a native library. Symmetric and triangular routines read and write only the
 * requested triangle (the diagonal included) and leave the other triangle untouched.
 *
 * <p>Implementations are thread-safe; they may use several threads internally.
 */
public interface Blas {

    /** Short name for logs and benchmark records, e.g. {@code "openblas"} or {@code "java"}. */
    String name();

    /**
     * Computes {@code C = alpha * op(A) * op(B) + beta * C} where op(A) is m x k, op(B) is k x n
     * and C is m x n; {@code op(X) = X^T} when the matching trans flag is set. When beta is 0,
     * C is not read (NaN in C does not propagate).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOffset, int lda,
               float[] b, int bOffset, int ldb,
               float beta, float[] c, int cOffset, int ldc);

    /**
     * Computes one triangle of {@code C = alpha * A^T A + beta * C} (trans) where A is k x n, or of
     * {@code C = alpha * A A^T + beta * C} (not trans) where A is n x k. C is n x n.
     */
    void ssyrk(Triangle triangle, boolean trans, int n, int k,
               float alpha, float[] a, int aOffset, int lda,
               float beta, float[] c, int cOffset, int ldc);

    /**
     * Cholesky factorisation of a symmetric positive definite n x n matrix stored in the given
     * triangle, in place: UPPER gives {@code A = U^T U}, LOWER gives {@code A = L L^T}.
     *
     * @return 0 on success, or i > 0 when the leading minor of order i is not positive definite
     *         (LAPACK's info); the matrix is then partly overwritten
     */
    int spotrf(Triangle triangle, int n, float[] a, int offset, int lda);

    /**
     * Replaces a Cholesky factor (as left by {@link #spotrf} with the same triangle) by the same
     * triangle of the inverse of the original matrix.
     *
     * @return 0 on success, or i > 0 when the factor's diagonal element i is zero
     */
    int spotri(Triangle triangle, int n, float[] a, int offset, int lda);

    /**
     * Replaces a non-unit triangular matrix by its inverse, in place.
     *
     * @return 0 on success, or i > 0 when diagonal element i is zero
     */
    int strtri(Triangle triangle, int n, float[] a, int offset, int lda);

    /**
     * Replaces a symmetric positive definite matrix by the inverse of its Cholesky factor, in
     * place: {@link #spotrf} followed by {@link #strtri} on the same triangle. One call lets a
     * native implementation keep the matrix in its own memory between the two steps.
     *
     * @return 0 on success, or spotrf's info i > 0 when the leading minor of order i is not
     *         positive definite; the matrix is then partly overwritten
     * @throws IllegalStateException when strtri fails on spotrf's factor, which points to a BLAS
     *         bug: a successful spotrf leaves a positive diagonal
     */
    default int spotrfTrtri(Triangle triangle, int n, float[] a, int offset, int lda) {
        int info = spotrf(triangle, n, a, offset, lda);
        if (info != 0) {
            return info;
        }
        requireInvertedFactor(strtri(triangle, n, a, offset, lda), n);
        return 0;
    }

    /** Throws when strtri rejected a Cholesky factor (its info is the zero diagonal element). */
    private static void requireInvertedFactor(int strtriInfo, int n) {
        if (strtriInfo != 0) {
            throw new IllegalStateException("strtri found a zero at diagonal element " + strtriInfo
                    + " of a successful " + n + " x " + n + " Cholesky factor");
        }
    }

    /**
     * Returns the process-wide implementation: OpenBLAS when its native library loads, otherwise
     * the pure-Java one. The system property {@code gptq4j.blas=java|openblas} forces a choice.
     */
    static Blas get() {
        return BlasFactory.instance();
    }
}
