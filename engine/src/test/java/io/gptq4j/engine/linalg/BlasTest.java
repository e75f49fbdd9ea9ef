package io.gptq4j.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks both implementations against a float64 textbook computation on random matrices (with
 * offsets and padded leading dimensions), and against small hand-computed cases.
 */
class BlasTest {

    static Stream<Blas> implementations() {
        return Stream.of(new JavaBlas(), OpenBlas.load());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void sgemmMatchesFloat64Reference(Blas blas) {
        Random rnd = new Random(1);
        int[][] shapes = {{1, 5, 3}, {7, 1, 9}, {3, 600, 1}, {37, 529, 141}, {130, 70, 260}, {5, 300, 700}};
        for (int[] s : shapes) {
            for (boolean ta : List.of(false, true)) {
                for (boolean tb : List.of(false, true)) {
                    checkGemm(blas, rnd, s[0], s[1], s[2], ta, tb);
                }
            }
        }
    }

    private static void checkGemm(Blas blas, Random rnd, int m, int n, int k, boolean ta, boolean tb) {
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + 3;
        int ldb = bCols + 1;
        int ldc = n + 2;
        float[] a = random(rnd, 5 + aRows * lda);
        float[] b = random(rnd, 2 + bRows * ldb);
        float[] c = random(rnd, 4 + m * ldc);
        float[] before = c.clone();
        float alpha = 0.75f;
        float beta = -0.5f;
        blas.sgemm(ta, tb, m, n, k, alpha, a, 5, lda, b, 2, ldb, beta, c, 4, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double magnitude = Math.abs(before[4 + i * ldc + j]);
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[5 + p * lda + i] : a[5 + i * lda + p];
                    double bv = tb ? b[2 + j * ldb + p] : b[2 + p * ldb + j];
                    s += av * bv;
                    magnitude += Math.abs(av * bv);
                }
                double expected = alpha * s + beta * before[4 + i * ldc + j];
                // float32 accumulation error is bounded by about k * eps * sum |a b|.
                assertEquals(expected, c[4 + i * ldc + j], 2e-7 * k * magnitude + 1e-6,
                        () -> blas.name() + " sgemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb);
            }
            // Padding between rows must stay untouched.
            for (int j = n; j < ldc && 4 + i * ldc + j < c.length; j++) {
                assertEquals(before[4 + i * ldc + j], c[4 + i * ldc + j], "padding of C written");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void sgemmBetaZeroIgnoresNaN(Blas blas) {
        float[] a = {1, 2, 3, 4};
        float[] b = {1, 0, 0, 1};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        blas.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertEquals(List.of(1f, 2f, 3f, 4f), List.of(c[0], c[1], c[2], c[3]));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void ssyrkMatchesReferenceAndKeepsOtherTriangle(Blas blas) {
        Random rnd = new Random(2);
        for (int[] s : new int[][] {{1, 4}, {70, 33}, {150, 300}}) {
            int n = s[0];
            int k = s[1];
            for (boolean trans : List.of(true, false)) {
                for (Triangle tri : Triangle.values()) {
                    int lda = (trans ? n : k) + 2;
                    float[] a = random(rnd, 1 + (trans ? k : n) * lda);
                    int ldc = n + 1;
                    float[] c = random(rnd, n * ldc);
                    float[] before = c.clone();
                    blas.ssyrk(tri, trans, n, k, 2f, a, 1, lda, 0.5f, c, 0, ldc);
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            boolean inTriangle = tri == Triangle.UPPER ? j >= i : j <= i;
                            if (!inTriangle) {
                                assertEquals(before[i * ldc + j], c[i * ldc + j], "other triangle written");
                                continue;
                            }
                            double sum = 0;
                            double magnitude = Math.abs(before[i * ldc + j]);
                            for (int p = 0; p < k; p++) {
                                double x = trans ? a[1 + p * lda + i] : a[1 + i * lda + p];
                                double y = trans ? a[1 + p * lda + j] : a[1 + j * lda + p];
                                sum += x * y;
                                magnitude += Math.abs(2 * x * y);
                            }
                            assertEquals(2 * sum + 0.5 * before[i * ldc + j], c[i * ldc + j], 2e-7 * k * magnitude + 1e-6,
                                    blas.name() + " ssyrk " + tri + " trans=" + trans);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void factorisationsOnHandComputedCase(Blas blas) {
        // A = [[4, 2], [2, 3]]: U = [[2, 1], [0, sqrt 2]], A^-1 = [[3, -2], [-2, 4]] / 8.
        float[] a = {4, 2, 2, 3};
        assertEquals(0, blas.spotrf(Triangle.UPPER, 2, a, 0, 2));
        assertEquals(2f, a[0], 1e-6f);
        assertEquals(1f, a[1], 1e-6f);
        assertEquals(2f, a[2], "lower triangle must stay untouched");
        assertEquals((float) Math.sqrt(2), a[3], 1e-6f);
        assertEquals(0, blas.spotri(Triangle.UPPER, 2, a, 0, 2));
        assertEquals(3f / 8, a[0], 1e-6f);
        assertEquals(-2f / 8, a[1], 1e-6f);
        assertEquals(4f / 8, a[3], 1e-6f);

        float[] l = {4, 99, 2, 3};
        assertEquals(0, blas.spotrf(Triangle.LOWER, 2, l, 0, 2));
        assertEquals(2f, l[0], 1e-6f);
        assertEquals(99f, l[1], "upper triangle must stay untouched");
        assertEquals(1f, l[2], 1e-6f);
        assertEquals((float) Math.sqrt(2), l[3], 1e-6f);

        float[] t = {2, 1, 0, 4};
        assertEquals(0, blas.strtri(Triangle.UPPER, 2, t, 0, 2));
        assertEquals(0.5f, t[0], 1e-7f);
        assertEquals(-0.125f, t[1], 1e-7f);
        assertEquals(0.25f, t[3], 1e-7f);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void spotrfTrtriOnHandComputedCase(Blas blas) {
        // A = [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt 2]], L^-1 = [[1/2, 0], [-1/(2 sqrt 2), 1/sqrt 2]].
        float root2 = (float) Math.sqrt(2);
        float[] l = {4, 99, 2, 3};
        assertEquals(0, blas.spotrfTrtri(Triangle.LOWER, 2, l, 0, 2));
        assertEquals(0.5f, l[0], 1e-7f);
        assertEquals(99f, l[1], "upper triangle must stay untouched");
        assertEquals(-1 / (2 * root2), l[2], 1e-6f);
        assertEquals(1 / root2, l[3], 1e-6f);

        // The same A = U^T U with U = L^T, so U^-1 = (L^-1)^T.
        float[] u = {4, 2, 99, 3};
        assertEquals(0, blas.spotrfTrtri(Triangle.UPPER, 2, u, 0, 2));
        assertEquals(0.5f, u[0], 1e-7f);
        assertEquals(-1 / (2 * root2), u[1], 1e-6f);
        assertEquals(99f, u[2], "lower triangle must stay untouched");
        assertEquals(1 / root2, u[3], 1e-6f);

        float[] indefinite = {1, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals(2, blas.spotrfTrtri(Triangle.LOWER, 3, indefinite, 0, 3));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void spotrfReportsNonPositiveDefiniteMinor(Blas blas) {
        float[] a = {1, 2, 0, 2, 1, 0, 0, 0, 1};
        assertEquals(2, blas.spotrf(Triangle.UPPER, 3, a, 0, 3));
        float[] b = {1, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals(2, blas.spotrf(Triangle.LOWER, 3, b, 0, 3));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void factorisationsOnRandomSpdMatrix(Blas blas) {
        for (int n : new int[] {1, 63, 200}) {
            double[][] spd = randomSpd(n, new Random(n));
            for (Triangle tri : Triangle.values()) {
                int lda = n + 3;
                float[] a = new float[2 + n * lda];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        a[2 + i * lda + j] = (float) spd[i][j];
                    }
                }
                float[] factor = a.clone();
                assertEquals(0, blas.spotrf(tri, n, factor, 2, lda));
                // Reconstruct A from the factor in float64.
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < n; p++) {
                            double x = tri == Triangle.UPPER ? get(factor, 2, lda, p, i, tri) : get(factor, 2, lda, i, p, tri);
                            double y = tri == Triangle.UPPER ? get(factor, 2, lda, p, j, tri) : get(factor, 2, lda, j, p, tri);
                            s += x * y;
                        }
                        assertEquals(spd[i][j], s, 2e-4 * Math.max(1, Math.abs(spd[i][j])), blas.name() + " potrf " + tri);
                    }
                }
                float[] inverse = factor.clone();
                assertEquals(0, blas.spotri(tri, n, inverse, 2, lda));
                // A * A^-1 = I, reading the stored triangle of A^-1 symmetrically.
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < n; p++) {
                            s += spd[i][p] * symmetric(inverse, 2, lda, p, j, tri);
                        }
                        assertEquals(i == j ? 1.0 : 0.0, s, 2e-3, blas.name() + " potri " + tri);
                    }
                }
                float[] triInverse = factor.clone();
                assertEquals(0, blas.strtri(tri, n, triInverse, 2, lda));
                assertTriangularInverse(factor, triInverse, n, lda, tri, blas.name() + " trtri " + tri);
                float[] combined = a.clone();
                assertEquals(0, blas.spotrfTrtri(tri, n, combined, 2, lda));
                assertTriangularInverse(factor, combined, n, lda, tri, blas.name() + " spotrfTrtri " + tri);
            }
        }
    }

    /** Asserts that the triangle product factor * inverse is the identity in float64, to 1e-3. */
    private static void assertTriangularInverse(float[] factor, float[] inverse, int n, int lda, Triangle tri,
                                                String label) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < n; p++) {
                    s += get(factor, 2, lda, i, p, tri) * get(inverse, 2, lda, p, j, tri);
                }
                assertEquals(i == j ? 1.0 : 0.0, s, 1e-3, label);
            }
        }
    }

    @Test
    void openBlasAgreesWithJavaBlas() {
        Blas java = new JavaBlas();
        Blas open = OpenBlas.load();
        Random rnd = new Random(7);
        int n = 150;
        int k = 90;
        float[] x = random(rnd, k * n);
        float[] y = random(rnd, n * k);
        float[] cJava = new float[n * n];
        float[] cOpen = new float[n * n];
        java.sgemm(true, true, n, n, k, 1f, x, 0, n, y, 0, k, 0f, cJava, 0, n);
        open.sgemm(true, true, n, n, k, 1f, x, 0, n, y, 0, k, 0f, cOpen, 0, n);
        assertArrayEquals(cJava, cOpen, 1e-3f, "sgemm");

        float[] hJava = new float[n * n];
        float[] hOpen = new float[n * n];
        java.ssyrk(Triangle.UPPER, true, n, k, 1f / k, x, 0, n, 0f, hJava, 0, n);
        open.ssyrk(Triangle.UPPER, true, n, k, 1f / k, x, 0, n, 0f, hOpen, 0, n);
        assertArrayEquals(hJava, hOpen, 1e-5f, "ssyrk");

        // k < n makes X^T X singular; the diagonal shift makes it well conditioned.
        for (int i = 0; i < n; i++) {
            hJava[i * n + i] += 1f;
            hOpen[i * n + i] += 1f;
        }
        assertEquals(0, java.spotrf(Triangle.UPPER, n, hJava, 0, n));
        assertEquals(0, open.spotrf(Triangle.UPPER, n, hOpen, 0, n));
        assertArrayEquals(hJava, hOpen, 1e-5f, "spotrf");
        float[] tJava = hJava.clone();
        float[] tOpen = hOpen.clone();
        assertEquals(0, java.strtri(Triangle.UPPER, n, tJava, 0, n));
        assertEquals(0, open.strtri(Triangle.UPPER, n, tOpen, 0, n));
        assertArrayEquals(tJava, tOpen, 1e-5f, "strtri");
        assertEquals(0, java.spotri(Triangle.UPPER, n, hJava, 0, n));
        assertEquals(0, open.spotri(Triangle.UPPER, n, hOpen, 0, n));
        assertArrayEquals(hJava, hOpen, 1e-5f, "spotri");
    }

    @Test
    void factoryChoosesForcedImplementation() {
        assertEquals("java", BlasFactory.choose("java").name());
        assertEquals("openblas", BlasFactory.choose("openblas").name());
        assertEquals("openblas", BlasFactory.choose("").name());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BlasFactory.choose("mkl"));
        assertTrue(e.getMessage().contains("java, openblas"), e.getMessage());
    }

    /** Element (i, j) of a triangular matrix stored in the given triangle; zero outside it. */
    private static double get(float[] a, int off, int lda, int i, int j, Triangle tri) {
        boolean inside = tri == Triangle.UPPER ? j >= i : j <= i;
        return inside ? a[off + i * lda + j] : 0.0;
    }

    private static double symmetric(float[] a, int off, int lda, int i, int j, Triangle tri) {
        boolean inside = tri == Triangle.UPPER ? j >= i : j <= i;
        return inside ? a[off + i * lda + j] : a[off + j * lda + i];
    }

    private static double[][] randomSpd(int n, Random rnd) {
        double[][] x = new double[n + 5][n];
        for (double[] row : x) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (double[] row : x) {
                    s += row[i] * row[j];
                }
                h[i][j] = s / (n + 5) + (i == j ? 0.1 : 0.0);
            }
        }
        return h;
    }

    /** The per-thread OpenBLAS buffers are reused across calls of growing and shrinking size. */
    @Test
    void openBlasReusesBuffersAcrossShapes() {
        Blas java = new JavaBlas();
        Blas open = OpenBlas.load();
        Random rnd = new Random(11);
        int[][] shapes = {{200, 180, 70}, {5, 3, 4}, {64, 300, 33}, {1, 1, 1}, {210, 190, 80}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            // Padded leading dimensions and offsets, and beta = 1 so C is read as well as written.
            int lda = k + 3;
            int ldc = n + 2;
            float[] a = random(rnd, 5 + m * lda);
            float[] b = random(rnd, n * k);
            float[] cJava = random(rnd, 1 + m * ldc);
            float[] cOpen = cJava.clone();
            java.sgemm(false, true, m, n, k, 0.5f, a, 5, lda, b, 0, k, 1f, cJava, 1, ldc);
            open.sgemm(false, true, m, n, k, 0.5f, a, 5, lda, b, 0, k, 1f, cOpen, 1, ldc);
            assertArrayEquals(cJava, cOpen, 1e-4f, "sgemm " + m + " x " + n + " x " + k);
        }
    }

    private static float[] random(Random rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
