package io.gptq4j.engine.quant;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPTQ on one weight matrix with AutoGPTQ's {@code fasterquant} semantics: row grid from the
 * unmodified W, dead inputs ({@code H[k][k] == 0}) set to {@code H[k][k] = 1} and
 * {@code W[:, k] = 0}, static groups on the unpermuted W, act-order permutation, damping, the
 * inverse-Hessian factor U, and the blocked column sweep ({@link ColumnSweep}). The caller's
 * arrays are never modified, so a failed or interrupted call leaves the module unchanged.
 */
public final class Gptq {
    private static final Logger LOG = LoggerFactory.getLogger(Gptq.class);

    private Gptq() {
    }

    /** Quantizes a row-major rows x cols weight; errors name the module by the Hessian's label. */
    public static QuantResult quantize(float[] weight, int rows, int cols, Hessian hessian, QuantConfig config) {
        return quantize(hessian.label(), weight, rows, cols, hessian, config);
    }

    /**
     * Quantizes a row-major rows x cols weight.
     *
     * @param module names the module in errors and logs
     * @throws IllegalArgumentException      on a shape mismatch, an empty Hessian or a non-finite weight
     * @throws HessianNotPositiveDefiniteException when the damped Hessian cannot be factored under
     *                                       {@link DampPolicy#RAISE} or {@link DampPolicy#INCREMENT}
     * @throws java.util.concurrent.CancellationException when the thread is interrupted
     */
    public static QuantResult quantize(String module, float[] weight, int rows, int cols, Hessian hessian,
                                       QuantConfig config) {
        checkInputs(module, weight, rows, cols, hessian);
        // Read before matrix(), whose final SYRK adds to accumulateSeconds and is also inside start's span.
        double accumulateSeconds = hessian.accumulateSeconds();
        long start = System.nanoTime();
        int nsamples = hessian.nsamples();
        long ntokens = hessian.ntokens();
        if (ntokens < cols) {
            LOG.warn("{}: only {} calibration tokens for {} input columns; the Hessian is singular and relies on damping",
                    module, ntokens, cols);
        }
        float[] h = hessian.matrix();
        if (config.hessianNormalization() == HessianNormalization.TOKENS) {
            float factor = (float) (nsamples / (double) ntokens);
            for (int i = 0; i < h.length; i++) {
                h[i] *= factor;
            }
        }
        float[] wt = Layout.transpose(weight, rows, cols);
        float[] rowScale = new float[rows];
        float[] rowZero = new float[rows];
        findParallel(wt, rows, 0, cols, config, rowScale, rowZero, 0);

        List<Integer> dead = hessian.deadColumns();
        for (int k : dead) {
            h[k * cols + k] = 1f;
            Arrays.fill(wt, k * rows, (k + 1) * rows, 0f);
        }
        float[] staticScale = null;
        float[] staticZero = null;
        int g = config.groupSize();
        if (g != -1 && config.staticGroups()) {
            int ngroups = config.groupCount(cols);
            staticScale = new float[ngroups * rows];
            staticZero = new float[ngroups * rows];
            for (int group = 0; group < ngroups; group++) {
                findParallel(wt, rows, group * g, Math.min(cols, (group + 1) * g), config, staticScale, staticZero,
                        group * rows);
            }
        }
        int[] perm = config.descAct() ? actOrder(h, cols) : IntStream.range(0, cols).toArray();
        if (config.descAct()) {
            wt = Layout.permuteRows(wt, rows, perm);
            h = Layout.permuteSymmetric(h, cols, perm);
        }
        double hessianSeconds = accumulateSeconds + seconds(start);

        long metricsStart = System.nanoTime();
        double weightTrace = Layout.weightedTrace(wt, h, rows, cols);
        double metricsNanos = System.nanoTime() - metricsStart;

        long factorStart = System.nanoTime();
        InverseHessianFactor factor = InverseHessianFactor.compute(module, h, cols, config);
        double factorSeconds = seconds(factorStart);
        if (factor == null) {
            return Rtn.fallback(module, weight, rows, cols, hessian, config, h, perm, weightTrace, dead);
        }

        long sweepStart = System.nanoTime();
        ColumnSweep sweep = new ColumnSweep(module, config, rows, cols, wt, factor.u(), perm, rowScale, rowZero,
                staticScale, staticZero);
        sweep.run();
        double sweepSeconds = seconds(sweepStart);

        metricsStart = System.nanoTime();
        float[] q = Layout.transposeScatter(sweep.qt, rows, cols, perm);
        float[] codes = Layout.transposeScatter(sweep.codes, rows, cols, perm);
        int[] qint = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
            qint[i] = (int) codes[i];
        }
        double lossSum = 0;
        double[] columnLoss = new double[cols];
        for (int p = 0; p < cols; p++) {
            columnLoss[perm[p]] = sweep.columnLoss[p];
            lossSum += sweep.columnLoss[p];
        }
        // tr(dW H_d dW^T) = 2 lossSum for GPTQ's output, so the undamped trace follows without a GEMM.
        double errorTrace = 2 * lossSum - factor.lambda() * squaredError(weight, q, dead, cols);
        int ngroups = config.groupCount(cols);
        GroupParams params = GroupParams.fromTransposed(sweep.scaleT, sweep.zeroT, rows, ngroups);
        int[] gIdx = groupIndex(config, perm, cols);
        metricsNanos += System.nanoTime() - metricsStart;

        LOG.debug("{}: GPTQ {}x{} loss {} in {} s", module, rows, cols, lossSum / nsamples, seconds(start));
        return new QuantResult(rows, cols, config, qint, params.scale(), params.zero(), gIdx, perm, q, columnLoss,
                lossSum, lossSum / nsamples, tokenLoss(config, lossSum, nsamples, ntokens),
                errorTrace / weightTrace, factor.dampPercent(), factor.lambda(), nsamples, ntokens, dead, false,
                hessianSeconds, factorSeconds, sweepSeconds, metricsNanos / 1e9);
    }

    private static void checkInputs(String module, float[] weight, int rows, int cols, Hessian hessian) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != weight.length) {
            throw new IllegalArgumentException(module + ": weight has " + weight.length + " values, expected "
                    + rows + " x " + cols);
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(module + ": weight " + rows + " x " + cols + " is too large for one array");
        }
        if (hessian.cols() != cols) {
            throw new IllegalArgumentException(module + ": Hessian '" + hessian.label() + "' has " + hessian.cols()
                    + " columns, the weight has " + cols + " input columns");
        }
        if (hessian.nsamples() == 0) {
            throw new IllegalArgumentException(module + ": the Hessian has no calibration data; add calibration sequences first");
        }
        requireFiniteWeight(module, weight, cols);
    }

    /** Throws IllegalArgumentException naming the module and position of the first NaN or infinity. */
    static void requireFiniteWeight(String module, float[] weight, int cols) {
        for (int i = 0; i < weight.length; i++) {
            if (!Float.isFinite(weight[i])) {
                throw new IllegalArgumentException(module + ": weight has " + weight[i] + " at row " + (i / cols)
                        + ", column " + (i % cols) + "; fix the checkpoint before quantizing");
            }
        }
    }

    /**
     * Act-order: positions sorted by descending {@code diag(H)}, stable, so ties keep the lower
     * column first.
     */
    static int[] actOrder(float[] h, int cols) {
        Integer[] order = new Integer[cols];
        for (int k = 0; k < cols; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> h[k * cols + k]).reversed());
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** g_idx: k / g without act-order or with static groups, (position of k) / g with act-order, 0 for g = -1. */
    static int[] groupIndex(QuantConfig config, int[] perm, int cols) {
        int g = config.groupSize();
        int[] gIdx = new int[cols];
        if (g == -1) {
            return gIdx;
        }
        for (int p = 0; p < cols; p++) {
            int k = perm[p];
            gIdx[k] = (config.descAct() && !config.staticGroups()) ? p / g : k / g;
        }
        return gIdx;
    }

    /** GPTQModel's printed loss: lossSum for an H normalised by tokens, divided by ntokens. */
    static double tokenLoss(QuantConfig config, double lossSum, int nsamples, long ntokens) {
        if (config.hessianNormalization() == HessianNormalization.TOKENS) {
            return lossSum / ntokens;
        }
        return lossSum * nsamples / ((double) ntokens * ntokens);
    }

    /** {@code ||W0 - Q||^2} with W0 the weight whose dead columns are zero. */
    private static double squaredError(float[] weight, float[] q, List<Integer> dead, int cols) {
        boolean[] isDead = new boolean[cols];
        dead.forEach(k -> isDead[k] = true);
        double sum = 0;
        for (int rowStart = 0; rowStart < weight.length; rowStart += cols) {
            for (int k = 0; k < cols; k++) {
                int i = rowStart + k;
                double d = (isDead[k] ? 0f : weight[i]) - q[i];
                sum += d * d;
            }
        }
        return sum;
    }

    /** Grid over columns [c0, c1) of the transposed weight for all rows, in parallel over row tiles. */
    static void findParallel(float[] wt, int rows, int c0, int c1, QuantConfig config, float[] scale, float[] zero,
                             int outOffset) {
        int tile = 512;
        IntStream.range(0, (rows + tile - 1) / tile).parallel().forEach(t -> {
            int r0 = t * tile;
            Grid.find(wt, rows, 1, c0, c1, r0, Math.min(rows, r0 + tile), config, scale, zero, outOffset);
        });
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
