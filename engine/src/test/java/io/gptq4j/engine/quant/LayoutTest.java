package io.gptq4j.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LayoutTest {

    /**
     * tr(W H W^T) against the float64 sum over rows of w H w^T. 1100 columns cross the 1024-row
     * Gram block, so both the SYRK of the diagonal blocks and the GEMM beside them are checked.
     */
    @Test
    void weightedTraceMatchesFloat64Sum() {
        int rows = 37;
        int cols = 1100;
        Random rnd = new Random(3);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        float[] h = new float[cols * cols];
        for (int i = 0; i < cols; i++) {
            h[i * cols + i] = 1f + rnd.nextFloat();
            for (int j = i + 1; j < cols; j++) {
                float v = (float) (0.1 * rnd.nextGaussian());
                h[i * cols + j] = v;
                h[j * cols + i] = v;
            }
        }

        double expected = 0;
        double magnitude = 0;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    double term = (double) w[r * cols + i] * h[i * cols + j] * w[r * cols + j];
                    expected += term;
                    magnitude += Math.abs(term);
                }
            }
        }

        double actual = Layout.weightedTrace(Layout.transpose(w, rows, cols), h, rows, cols);
        // The Gram matrix is accumulated in float32 over 37 rows: relative error of a few 1e-7 per entry.
        assertEquals(expected, actual, 1e-5 * magnitude);
    }
}
