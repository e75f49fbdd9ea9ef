package io.gptq4j.engine.linalg;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.CblasLower;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Blas} backed by OpenBLAS through the bytedeco JavaCPP presets. Each call copies the
 * referenced sub-matrices into off-heap buffers, runs the native routine and copies the written
 * matrix back, so the cost of a call is its flops plus one pass over its operands. The buffers
 * are per-thread and reused across calls ({@link OffHeapScratch}), so repeated calls do not pay
 * for allocation and first-touch page faults.
 */
final class OpenBlas implements Blas {
    /** System property for the OpenBLAS thread count; defaults to the available processors. */
    static final String THREADS_PROPERTY = "gptq4j.blas.threads";

    private static final Logger LOG = LoggerFactory.getLogger(OpenBlas.class);

    private OpenBlas() {
    }

    /** Loads the native library and sets its thread count; throws a LinkageError when it cannot load. */
    static OpenBlas load() {
        Loader.load(openblas.class);
        // The thread controls are only mapped in the openblas_full class, over the same library.
        Loader.load(openblas_full.class);
        int threads = Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
        openblas_full.openblas_set_num_threads(Math.max(1, threads));
        LOG.info("Using OpenBLAS ({}), {} threads, OPENBLAS_THREAD_TIMEOUT={}",
                openblas_full.openblas_get_config().getString().trim(), openblas_full.openblas_get_num_threads(),
                System.getenv().getOrDefault("OPENBLAS_THREAD_TIMEOUT", "unset (spin 2^28 cycles)"));
        return new OpenBlas();
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        OffHeapScratch scratch = OffHeapScratch.get();
        FloatPointer pa = copyIn(scratch.buffer(0, (long) aRows * aCols), a, aOffset, lda, aRows, aCols);
        FloatPointer pb = copyIn(scratch.buffer(1, (long) bRows * bCols), b, bOffset, ldb, bRows, bCols);
        FloatPointer pc = scratch.buffer(2, (long) m * n);
        if (beta != 0f) {
            copyIn(pc, c, cOffset, ldc, m, n);
        }
        openblas.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, pa, Math.max(1, aCols), pb, Math.max(1, bCols), beta, pc, n);
        copyOut(pc, c, cOffset, ldc, m, n);
    }

    @Override
    public void ssyrk(Triangle triangle, boolean trans, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float beta, float[] c, int cOffset, int ldc) {
        if (n == 0) {
            return;
        }
        int aRows = trans ? k : n;
        int aCols = trans ? n : k;
        OffHeapScratch scratch = OffHeapScratch.get();
        FloatPointer pa = copyIn(scratch.buffer(0, (long) aRows * aCols), a, aOffset, lda, aRows, aCols);
        FloatPointer pc = scratch.buffer(2, (long) n * n);
        if (beta != 0f) {
            copyIn(pc, c, cOffset, ldc, n, n);
        }
        openblas.cblas_ssyrk(CblasRowMajor, triangle == Triangle.UPPER ? CblasUpper : CblasLower,
                trans ? CblasTrans : CblasNoTrans, n, k, alpha, pa, Math.max(1, aCols), beta, pc, n);
        copyOutTriangle(pc, c, cOffset, ldc, n, triangle);
    }

    @Override
    public int spotrf(Triangle triangle, int n, float[] a, int offset, int lda) {
        return lapack(triangle, n, a, offset, lda, Routine.POTRF);
    }

    @Override
    public int spotri(Triangle triangle, int n, float[] a, int offset, int lda) {
        return lapack(triangle, n, a, offset, lda, Routine.POTRI);
    }

    @Override
    public int strtri(Triangle triangle, int n, float[] a, int offset, int lda) {
        return lapack(triangle, n, a, offset, lda, Routine.TRTRI);
    }

    /** Runs both routines on one off-heap copy, saving a copy out and back in of the n x n factor. */
    @Override
    public int spotrfTrtri(Triangle triangle, int n, float[] a, int offset, int lda) {
        return lapack(triangle, n, a, offset, lda, Routine.POTRF, Routine.TRTRI);
    }

    private enum Routine { POTRF, POTRI, TRTRI }

    /**
     * Runs the routines in order on one off-heap copy of the triangle and copies it back; stops at
     * the first failure and returns its info. A failure of a later routine, such as TRTRI on a
     * successful POTRF's factor (whose diagonal is positive), throws instead of returning.
     */
    private static int lapack(Triangle triangle, int n, float[] a, int offset, int lda, Routine... routines) {
        if (n == 0) {
            return 0;
        }
        FloatPointer p = copyIn(OffHeapScratch.get().buffer(0, (long) n * n), a, offset, lda, n, n);
        // A row-major triangle is the opposite triangle of the same buffer read column-major, and
        // these routines commute with transposition (potrf: A = U^T U <=> A^T = L L^T with L = U^T).
        // Calling the column-major routine on the opposite triangle skips LAPACKE's two n x n
        // transpositions.
        byte uplo = (triangle == Triangle.UPPER ? Triangle.LOWER : Triangle.UPPER).lapackChar();
        int info = 0;
        for (int step = 0; step < routines.length && info == 0; step++) {
            Routine routine = routines[step];
            info = switch (routine) {
                case POTRF -> openblas.LAPACKE_spotrf(LAPACK_COL_MAJOR, uplo, n, p, n);
                case POTRI -> openblas.LAPACKE_spotri(LAPACK_COL_MAJOR, uplo, n, p, n);
                case TRTRI -> openblas.LAPACKE_strtri(LAPACK_COL_MAJOR, uplo, (byte) 'N', n, p, n);
            };
            if (info < 0) {
                throw new IllegalArgumentException("LAPACKE " + routine + " rejected argument " + (-info)
                        + " (n=" + n + ", lda=" + lda + ")");
            }
            if (info > 0 && step > 0) {
                throw new IllegalStateException("LAPACKE " + routine + " failed with info " + info
                        + " after " + routines[step - 1] + " succeeded (n=" + n + ")");
            }
        }
        // A failed factorisation leaves the matrix partly overwritten, as LAPACK documents.
        copyOutTriangle(p, a, offset, lda, n, triangle);
        return info;
    }

    /** Copies a rows x cols sub-matrix into the dense off-heap buffer p with leading dimension cols; returns p. */
    private static FloatPointer copyIn(FloatPointer p, float[] src, int offset, int ld, int rows, int cols) {
        if (ld == cols) {
            p.put(src, offset, rows * cols);
        } else {
            for (int i = 0; i < rows; i++) {
                p.position((long) i * cols).put(src, offset + i * ld, cols);
            }
            p.position(0);
        }
        return p;
    }

    private static void copyOut(FloatPointer p, float[] dst, int offset, int ld, int rows, int cols) {
        if (ld == cols) {
            p.position(0).get(dst, offset, rows * cols);
        } else {
            for (int i = 0; i < rows; i++) {
                p.position((long) i * cols).get(dst, offset + i * ld, cols);
            }
        }
        p.position(0);
    }

    private static void copyOutTriangle(FloatPointer p, float[] dst, int offset, int ld, int n, Triangle triangle) {
        for (int i = 0; i < n; i++) {
            int from = triangle == Triangle.UPPER ? i : 0;
            int to = triangle == Triangle.UPPER ? n : i + 1;
            p.position((long) i * n + from).get(dst, offset + i * ld + from, to - from);
        }
        p.position(0);
    }
}
