package io.gptq4j.engine.quant;

import io.gptq4j.engine.linalg.Blas;
import io.gptq4j.engine.linalg.Triangle;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Damps a Hessian and computes U, the upper Cholesky factor of its inverse
 * ({@code U^T U = (H + lambda I)^-1}), applying the configured {@link DampPolicy} when a
 * factorisation fails.
 *
 * @param u           row-major n x n; the upper triangle (diagonal included) is U, the rest is scratch
 * @param dampPercent the damping fraction that succeeded
 * @param lambda      the value added to the diagonal, {@code dampPercent * mean(diag H)}
 */
record InverseHessianFactor(float[] u, double dampPercent, float lambda) {
    private static final Logger LOG = LoggerFactory.getLogger(InverseHessianFactor.class);

    /**
     * Factors {@code H + lambda I}.
     *
     * @param h dead-column-fixed Hessian, row-major n x n, full symmetric; not modified
     * @return the factor, or null when the policy is {@link DampPolicy#RTN} and factorisation failed
     * @throws HessianNotPositiveDefiniteException when the policy is RAISE, or INCREMENT reached 1
     */
    static InverseHessianFactor compute(String module, float[] h, int n, QuantConfig config) {
        double meanDiag = 0;
        for (int i = 0; i < n; i++) {
            meanDiag += h[i * n + i];
        }
        float mean = (float) (meanDiag / n);
        Blas blas = Blas.get();
        float[] work = new float[n * n];
        for (int attempt = 0; ; attempt++) {
            double damp = config.dampPercent() + attempt * QuantConfig.DAMP_INCREMENT;
            float lambda = (float) damp * mean;
            boolean fast = config.factorization() == Factorization.FAST;
            copyDamped(h, work, n, lambda, fast);
            String failure = fast ? factorFast(blas, work, n) : factorAutoGptq(blas, work, n);
            if (failure == null) {
                if (attempt > 0) {
                    LOG.info("{}: Cholesky succeeded with dampPercent {} after {} increments", module, damp, attempt);
                }
                return new InverseHessianFactor(work, damp, lambda);
            }
            switch (config.dampPolicy()) {
                case RAISE -> throw new HessianNotPositiveDefiniteException(module, damp, failure);
                case RTN -> {
                    LOG.warn("{}: {} with dampPercent {}; falling back to round-to-nearest", module, failure, damp);
                    return null;
                }
                case INCREMENT -> {
                    double next = config.dampPercent() + (attempt + 1) * QuantConfig.DAMP_INCREMENT;
                    if (next >= 1) {
                        throw new HessianNotPositiveDefiniteException(module, damp, failure
                                + "; damping increments reached the limit of 1");
                    }
                    LOG.debug("{}: {} with dampPercent {}; retrying with {}", module, failure, damp, next);
                }
                default -> throw new AssertionError(config.dampPolicy());
            }
        }
    }

    /** Cholesky of H_d, inverse from it (potri), Cholesky of the inverse; returns null or a failure description. */
    private static String factorAutoGptq(Blas blas, float[] a, int n) {
        int info = blas.spotrf(Triangle.UPPER, n, a, 0, n);
        if (info != 0) {
            return "Cholesky failed at leading minor " + info;
        }
        info = blas.spotri(Triangle.UPPER, n, a, 0, n);
        if (info != 0) {
            return "inverse from the Cholesky factor failed at diagonal element " + info;
        }
        info = blas.spotrf(Triangle.UPPER, n, a, 0, n);
        if (info != 0) {
            return "Cholesky of the inverse failed at leading minor " + info;
        }
        return null;
    }

    /**
     * Copies h into work and adds lambda to the diagonal. With {@code reversed}, the copy is
     * {@code J h J}, whose diagonal is h's diagonal reversed; for a row-major matrix that is the
     * flat array reversed.
     */
    private static void copyDamped(float[] h, float[] work, int n, float lambda, boolean reversed) {
        IntStream.range(0, n).parallel().forEach(i -> {
            int dst = i * n;
            if (reversed) {
                int last = (n - 1 - i) * n + n - 1;
                for (int j = 0; j < n; j++) {
                    work[dst + j] = h[last - j];
                }
            } else {
                System.arraycopy(h, dst, work, dst, n);
            }
            work[dst + i] += lambda;
        });
    }

    /**
     * Computes U from the reversed damped Hessian {@code J H_d J} (as {@link #copyDamped} leaves
     * it). With {@code J H_d J = L L^T}: {@code H_d = V V^T} with {@code V = J L J} upper and
     * {@code H_d^-1 = V^-T V^-1}, hence {@code U = V^-1 = J L^-1 J}.
     */
    private static String factorFast(Blas blas, float[] a, int n) {
        int info = blas.spotrfTrtri(Triangle.LOWER, n, a, 0, n);
        if (info != 0) {
            return "Cholesky failed at leading minor " + info + " of the reversed matrix";
        }
        reverse(a, n);
        return null;
    }

    /** Reverses the rows and columns of a row-major n x n matrix in place, in parallel over row pairs. */
    private static void reverse(float[] a, int n) {
        IntStream.range(0, (n + 1) / 2).parallel().forEach(i -> {
            int top = i * n;
            int bottomLast = (n - 1 - i) * n + n - 1;
            // Row i swaps with row n - 1 - i reversed; the middle row of an odd n swaps with itself.
            int end = top == bottomLast - n + 1 ? n / 2 : n;
            for (int j = 0; j < end; j++) {
                float t = a[top + j];
                a[top + j] = a[bottomLast - j];
                a[bottomLast - j] = t;
            }
        });
    }
}
