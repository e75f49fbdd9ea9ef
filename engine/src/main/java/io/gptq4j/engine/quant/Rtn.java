package io.gptq4j.engine.quant;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Round-to-nearest: per row and per group of {@code groupSize} consecutive input columns in the
 * original order (the whole row for -1), the grid of {@link Grid} and
 * {@code Q = scale * (clamp(rint(W / scale) + zero, 0, maxq) - zero)}. No calibration and no
 * error feedback; act-order and damping settings do not apply.
 */
public final class Rtn {
    private Rtn() {
    }

    /**
     * Quantizes a row-major rows x cols weight. The result has no loss (NaN loss and relative
     * error, zero samples) because RTN uses no Hessian.
     */
    public static QuantResult quantize(float[] weight, int rows, int cols, QuantConfig config) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != weight.length) {
            throw new IllegalArgumentException("RTN: weight has " + weight.length + " values, expected " + rows + " x " + cols);
        }
        for (int i = 0; i < weight.length; i++) {
            if (!Float.isFinite(weight[i])) {
                throw new IllegalArgumentException("RTN: weight has " + weight[i] + " at row " + (i / cols) + ", column "
                        + (i % cols) + "; fix the checkpoint before quantizing");
            }
        }
        long start = System.nanoTime();
        int g = config.groupSize() == -1 ? cols : config.groupSize();
        int ngroups = config.groupCount(cols);
        int maxq = config.maxq();
        float[] scale = new float[rows * ngroups];
        float[] zero = new float[rows * ngroups];
        int[] qint = new int[weight.length];
        float[] q = new float[weight.length];
        IntStream.range(0, rows).parallel().forEach(r -> {
            float[] s = new float[1];
            float[] z = new float[1];
            for (int group = 0; group < ngroups; group++) {
                int c0 = group * g;
                int c1 = Math.min(cols, c0 + g);
                // One row: element (0, c) is weight[r * cols + c].
                Grid.find(weight, 1, 0, r * cols + c0, r * cols + c1, 0, 1, config, s, z, 0);
                scale[r * ngroups + group] = s[0];
                zero[r * ngroups + group] = z[0];
                for (int i = r * cols + c0; i < r * cols + c1; i++) {
                    float code = Grid.code(weight[i], s[0], z[0], maxq);
                    qint[i] = (int) code;
                    q[i] = Grid.dequantize(code, s[0], z[0]);
                }
            }
        });
        int[] gIdx = new int[cols];
        if (config.groupSize() != -1) {
            for (int k = 0; k < cols; k++) {
                gIdx[k] = k / g;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new QuantResult(rows, cols, config, qint, scale, zero, gIdx, IntStream.range(0, cols).toArray(), q,
                new double[cols], Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0f, 0, 0, List.of(),
                false, 0, 0, seconds, 0);
    }

    /**
     * RTN in place of GPTQ when the Hessian could not be factored. Losses are
     * {@code lossSum = tr(dW H dW^T) / 2} with the undamped Hessian.
     *
     * @param h           the prepared (dead-fixed, permuted) Hessian
     * @param weightTrace {@code tr(W H W^T)} for the relative error
     */
    static QuantResult fallback(String module, float[] weight, int rows, int cols, Hessian hessian, QuantConfig config,
                                float[] h, int[] perm, double weightTrace, List<Integer> dead) {
        QuantResult rtn = quantize(weight, rows, cols, config);
        float[] delta = new float[weight.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = weight[i] - rtn.weight()[i];
        }
        float[] deltaT = Layout.permuteRows(Layout.transpose(delta, rows, cols), rows, perm);
        for (int p = 0; p < cols; p++) {
            if (dead.contains(perm[p])) {
                java.util.Arrays.fill(deltaT, p * rows, (p + 1) * rows, 0f);
            }
        }
        double errorTrace = Layout.weightedTrace(deltaT, h, rows, cols);
        double lossSum = errorTrace / 2;
        int nsamples = hessian.nsamples();
        long ntokens = hessian.ntokens();
        return new QuantResult(rows, cols, config, rtn.qint(), rtn.scale(), rtn.zero(), rtn.gIdx(), rtn.perm(),
                rtn.weight(), new double[cols], lossSum, lossSum / nsamples,
                Gptq.tokenLoss(config, lossSum, nsamples, ntokens), errorTrace / weightTrace, Double.NaN, 0f,
                nsamples, ntokens, dead, true, hessian.accumulateSeconds(), 0, rtn.sweepSeconds(), 0);
    }
}
