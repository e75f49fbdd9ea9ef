package io.gptq4j.engine.cli;

import io.gptq4j.engine.linalg.Blas;
import java.util.SplittableRandom;

/**
 * Seeded LLaMA-like test data for benchmarks: W ~ N(0, 0.02^2) with about 0.1 % of entries
 * scaled by 8; calibration inputs X = (rank-64 correlated signal + 0.3 noise) times per-channel
 * log-normal scales, with one channel in 512 scaled by 20 (activation outliers).
 *
 * @param weight rows x cols, row-major
 * @param inputs tokens x cols, row-major
 */
record SyntheticLayer(float[] weight, float[] inputs, int rows, int cols, int tokens) {
    private static final int RANK = 64;

    static SyntheticLayer generate(int rows, int cols, int tokens, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < w.length; i++) {
            float v = (float) (0.02 * rnd.nextGaussian());
            w[i] = rnd.nextInt(1000) == 0 ? 8 * v : v;
        }
        float[] coefficients = gaussian(rnd, tokens * RANK, (float) (1 / Math.sqrt(RANK)));
        float[] basis = gaussian(rnd, RANK * cols, 1f);
        float[] x = gaussian(rnd, Math.multiplyExact(tokens, cols), 0.3f);
        Blas.get().sgemm(false, false, tokens, cols, RANK, 1f, coefficients, 0, RANK, basis, 0, cols, 1f, x, 0, cols);
        float[] channelScale = new float[cols];
        for (int c = 0; c < cols; c++) {
            channelScale[c] = (float) Math.exp(0.5 * rnd.nextGaussian()) * (rnd.nextInt(512) == 0 ? 20f : 1f);
        }
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < cols; c++) {
                x[t * cols + c] *= channelScale[c];
            }
        }
        return new SyntheticLayer(w, x, rows, cols, tokens);
    }

    private static float[] gaussian(SplittableRandom rnd, int n, float sigma) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (sigma * rnd.nextGaussian());
        }
        return a;
    }
}
