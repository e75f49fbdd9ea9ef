package io.gptq4j.engine.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MatmulTest {

    @Test
    void blasPathMatchesPlainLoops() {
        int rows = 70;
        int in = 250;
        int out = 2000;
        assertTrue((long) rows * in * out >= Matmul.BLAS_THRESHOLD, "the product must take the BLAS path");
        Random random = new Random(7);
        float[] x = TinyModels.gaussian(random, rows * in, 1);
        float[] w = TinyModels.gaussian(random, out * in, 1);
        float[] y = new float[rows * out];

        Matmul.multiplyTransposed(x, rows, in, w, out, y);

        for (int t = 0; t < rows; t += 13) {
            for (int j = 0; j < out; j += 17) {
                double expected = 0;
                for (int k = 0; k < in; k++) {
                    expected += (double) x[t * in + k] * w[j * in + k];
                }
                assertEquals(expected, y[t * out + j], 1e-3, "y[" + t + "][" + j + "]");
            }
        }
    }

    @Test
    void smallPathHandlesOddSizes() {
        Random random = new Random(8);
        float[] x = TinyModels.gaussian(random, 3 * 7, 1);
        float[] w = TinyModels.gaussian(random, 5 * 7, 1);
        float[] y = new float[3 * 5];
        java.util.Arrays.fill(y, Float.NaN);

        Matmul.multiplyTransposedSmall(x, 3, 7, w, 5, y);

        assertEqualsDoubleProduct(x, 3, 7, w, 5, y);
    }

    @Test
    void fastExpMatchesMathExp() {
        double maxRelative = 0;
        for (float x = -87f; x <= 88f; x += 0.001f) {
            double exact = Math.exp(x);
            maxRelative = Math.max(maxRelative, Math.abs(FastExp.exp(x) - exact) / exact);
        }
        assertTrue(maxRelative < 2.4e-7, "max relative error " + maxRelative);
        assertEquals(0f, FastExp.exp(-100f));
        assertEquals(Float.POSITIVE_INFINITY, FastExp.exp(100f));
        assertTrue(Float.isNaN(FastExp.exp(Float.NaN)));
        assertEquals(1f, FastExp.exp(0f));
    }

    @Test
    void smallPathSpansRowBlocks() {
        int rows = 300;
        int in = 9;
        int out = 7;
        Random random = new Random(9);
        float[] x = TinyModels.gaussian(random, rows * in, 1);
        float[] w = TinyModels.gaussian(random, out * in, 1);
        float[] y = new float[rows * out];

        Matmul.multiplyTransposedSmall(x, rows, in, w, out, y);

        assertEqualsDoubleProduct(x, rows, in, w, out, y);
    }

    @Test
    void expInPlaceEqualsScalarExp() {
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -100f, -87.5f, -87.33654f,
            -87.3f, 0f, -0f, 88.7f, 88.8f, 100f};
        int n = special.length + 13_000;
        float[] x = new float[n];
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < n; i++) {
            x[i] = -90f + (i - special.length) * 0.0137f;
        }
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = FastExp.exp(x[i]);
        }

        FastExp.expInPlace(x, 0, n, new float[n], new float[n]);

        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(x[i]), "element " + i);
        }
    }

    /** Asserts every element of y against x · wᵀ summed in double, within 1e-5. */
    private static void assertEqualsDoubleProduct(float[] x, int rows, int in, float[] w, int out, float[] y) {
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < out; j++) {
                double expected = 0;
                for (int k = 0; k < in; k++) {
                    expected += (double) x[t * in + k] * w[j * in + k];
                }
                assertEquals(expected, y[t * out + j], 1e-5, "y[" + t + "][" + j + "]");
            }
        }
    }
}
