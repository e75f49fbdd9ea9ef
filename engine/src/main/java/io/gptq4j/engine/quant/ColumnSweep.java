package io.gptq4j.engine.quant;

import io.gptq4j.engine.linalg.Blas;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;

/**
 * GPTQ's column sweep (AutoGPTQ {@code fasterquant}) on the transposed weight: {@code wt} is
 * cols x rows in processing order, so column c of W is the contiguous row c of wt and every
 * inner loop runs over output rows. Rows are independent given U, so each block of columns is
 * swept in parallel over tiles of rows; after a block, the lazy update
 * {@code W[:, b1:] -= Eb U[b0:b1, b1:]} is one GEMM.
 *
 * <p>Group parameters are computed from the global W, which holds the updates of finished blocks
 * but not the in-block updates of earlier columns of the current block (AutoGPTQ behaviour,
 * kept so codes match).
 */
final class ColumnSweep {
    /** Output rows per parallel task: a 128-column block of a tile (128 KiB) stays in L2 cache. */
    private static final int ROW_TILE = 256;
    /**
     * Columns whose in-block error feedback the Java loop applies in {@link Factorization#FAST}
     * mode; the errors of earlier sub-blocks reach the rest of the block through one GEMM each.
     * This moves 3/4 of the in-block multiply-adds of a 128-column block into BLAS.
     */
    private static final int FAST_SUB_BLOCK = 32;

    private final String module;
    private final QuantConfig config;
    private final int rows;
    private final int cols;
    private final float[] wt;
    private final float[] u;
    private final int[] perm;
    private final float[] rowScale;
    private final float[] rowZero;
    private final float[] staticScale;
    private final float[] staticZero;

    /** Dequantized weights, cols x rows, processing order. */
    final float[] qt;
    /** Codes as exact float integers, cols x rows, processing order. */
    final float[] codes;
    /** (scale, zero) per group in creation order, ngroups x rows; row parameters when groupSize is -1. */
    final float[] scaleT;
    final float[] zeroT;
    /** Loss per processing position, summed over rows. */
    final double[] columnLoss;

    /**
     * @param wt          cols x rows working weights in processing order; overwritten
     * @param u           cols x cols, upper triangle = U in processing order
     * @param perm        processing order (perm[p] = original column)
     * @param rowScale    row parameters (rows), used when groupSize is -1
     * @param staticScale static group parameters, ngroups x rows in original group order, or null
     */
    ColumnSweep(String module, QuantConfig config, int rows, int cols, float[] wt, float[] u, int[] perm,
                float[] rowScale, float[] rowZero, float[] staticScale, float[] staticZero) {
        this.module = module;
        this.config = config;
        this.rows = rows;
        this.cols = cols;
        this.wt = wt;
        this.u = u;
        this.perm = perm;
        this.rowScale = rowScale;
        this.rowZero = rowZero;
        this.staticScale = staticScale;
        this.staticZero = staticZero;
        this.qt = new float[cols * rows];
        this.codes = new float[cols * rows];
        int ngroups = config.groupCount(cols);
        if (config.groupSize() == -1) {
            this.scaleT = rowScale;
            this.zeroT = rowZero;
        } else if (config.staticGroups()) {
            this.scaleT = staticScale;
            this.zeroT = staticZero;
        } else {
            this.scaleT = new float[ngroups * rows];
            this.zeroT = new float[ngroups * rows];
        }
        this.columnLoss = new double[cols];
    }

    void run() {
        Blas blas = Blas.get();
        int blockSize = config.blockSize();
        int superBlock = superBlockColumns(cols, blockSize, config.groupSize());
        float[] block = new float[Math.min(blockSize, cols) * rows];
        float[] err = new float[Math.min(superBlock, cols) * rows];
        // AUTOGPTQ mode keeps the whole in-block feedback in the Java loop, which subtracts in
        // AutoGPTQ's order. A GEMM would sum in another order.
        int subBlock = config.factorization() == Factorization.FAST ? FAST_SUB_BLOCK : blockSize;
        int tiles = (rows + ROW_TILE - 1) / ROW_TILE;
        double[][] tileLoss = new double[tiles][Math.min(blockSize, cols)];
        for (int s0 = 0; s0 < cols; s0 += superBlock) {
            int s1 = Math.min(cols, s0 + superBlock);
            for (int b0 = s0; b0 < s1; b0 += blockSize) {
                checkInterrupted(b0);
                int b1 = Math.min(s1, b0 + blockSize);
                int count = b1 - b0;
                int errAt = (b0 - s0) * rows;
                System.arraycopy(wt, b0 * rows, block, 0, count * rows);
                for (int j0 = 0; j0 < count; j0 += subBlock) {
                    sweepSubBlock(b0, j0, Math.min(count, j0 + subBlock), count, tiles, block, err, errAt, tileLoss);
                }
                for (int j = 0; j < count; j++) {
                    double sum = 0;
                    for (double[] partial : tileLoss) {
                        sum += partial[j];
                    }
                    columnLoss[b0 + j] = sum;
                }
                // Lazy update inside the super-block: W[:, b1:s1] -= Eb U[b0:b1, b1:s1].
                if (b1 < s1) {
                    blas.sgemm(true, false, s1 - b1, rows, count, -1f, u, b0 * cols + b1, cols,
                            err, errAt, rows, 1f, wt, b1 * rows, rows);
                }
            }
            // The same update for all later columns, for every block of the super-block at once.
            if (s1 < cols) {
                blas.sgemm(true, false, cols - s1, rows, s1 - s0, -1f, u, s0 * cols + s1, cols,
                        err, 0, rows, 1f, wt, s1 * rows, rows);
            }
        }
    }

    /**
     * Quantizes block columns [j0, j1) of the block starting at position b0 in parallel over row
     * tiles, then subtracts their errors from the block's later columns with one GEMM:
     * {@code block[:, j1:count] -= E[:, j0:j1] U[b0 + j0:b0 + j1, b0 + j1:b0 + count]}.
     */
    private void sweepSubBlock(int b0, int j0, int j1, int count, int tiles, float[] block, float[] err, int errAt,
                               double[][] tileLoss) {
        IntStream.range(0, tiles).parallel().forEach(t -> {
            int r0 = t * ROW_TILE;
            int r1 = Math.min(rows, r0 + ROW_TILE);
            sweepTile(b0, j0, j1, r0, r1, block, err, errAt, tileLoss[t]);
        });
        if (j1 < count) {
            Blas.get().sgemm(true, false, count - j1, rows, j1 - j0, -1f, u, (b0 + j0) * cols + b0 + j1, cols,
                    err, errAt + j0 * rows, rows, 1f, block, j1 * rows, rows);
        }
    }

    /**
     * Returns the number of columns whose lazy updates to the rest of the matrix are merged into
     * one GEMM. Merging blocks changes only the summation order, not AutoGPTQ's semantics, while
     * block boundaries stay at multiples of blockSize and no group straddles two super-blocks
     * (groups read the global W). So the size is a multiple of both blockSize and groupSize. About
     * sqrt(cols * blockSize) balances the copies that a native BLAS makes of the trailing matrix
     * against the ones of the in-super-block updates.
     */
    static int superBlockColumns(int cols, int blockSize, int groupSize) {
        long unit = blockSize;
        if (groupSize > 0) {
            unit = lcm(blockSize, groupSize);
        }
        long target = (long) Math.sqrt((double) cols * blockSize);
        long size = Math.max(1, (target + unit - 1) / unit) * unit;
        return (int) Math.min(size, Integer.MAX_VALUE);
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    private void checkInterrupted(int column) {
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new CancellationException(module + ": quantization interrupted at column " + column + " of " + cols
                    + "; the module keeps its original weights");
        }
    }

    /**
     * Quantizes processing positions [b0 + j0, b0 + j1) for rows [r0, r1), with the in-block error
     * feedback of columns j0 .. j - 1 to column j; the block columns already contain the feedback of
     * columns before j0.
     */
    private void sweepTile(int b0, int j0, int j1, int r0, int r1, float[] block, float[] err, int errAt,
                           double[] loss) {
        int maxq = config.maxq();
        int g = config.groupSize();
        float[] scale = rowScale;
        float[] zero = rowZero;
        int paramBase = 0;
        if (g != -1 && !config.staticGroups()) {
            // The group of the first column was created earlier when it started before b0 + j0.
            int current = (b0 + j0) / g;
            scale = scaleT;
            zero = zeroT;
            paramBase = current * rows;
        }
        for (int j = j0; j < j1; j++) {
            int c = b0 + j;
            if (g != -1) {
                if (config.staticGroups()) {
                    int group = (config.descAct() ? perm[c] : c) / g;
                    scale = staticScale;
                    zero = staticZero;
                    paramBase = group * rows;
                } else if (c % g == 0) {
                    int group = c / g;
                    paramBase = group * rows;
                    Grid.find(wt, rows, 1, c, Math.min(c + g, cols), r0, r1, config, scaleT, zeroT, paramBase);
                }
            }
            int wAt = j * rows;
            applyBlockErrors(b0, j0, j, r0, r1, block, err, errAt);
            float d = u[c * cols + c];
            float dd = d * d;
            int out = c * rows;
            double columnSum = 0;
            for (int r = r0; r < r1; r++) {
                float w = block[wAt + r];
                float s = scale[paramBase + r];
                float z = zero[paramBase + r];
                float code = Grid.code(w, s, z, maxq);
                float q = Grid.dequantize(code, s, z);
                codes[out + r] = code;
                qt[out + r] = q;
                float diff = w - q;
                columnSum += diff * diff / dd / 2f;
                err[errAt + wAt + r] = diff / d;
            }
            loss[j] = columnSum;
        }
    }

    /**
     * Applies the in-block error feedback of columns j0 .. j - 1 to column j:
     * {@code block[j] -= err[i] * U[b0 + i, b0 + j]} for i = j0, j0 + 1, ..., j - 1 in that order. This
     * is AutoGPTQ's right-looking update reorganised to read each earlier error once per column and
     * write column j once. With j0 = 0 every element still receives the same subtractions in the
     * same order, so the result is bit-identical (Java never fuses a multiply and an add).
     */
    private void applyBlockErrors(int b0, int j0, int j, int r0, int r1, float[] block, float[] err, int errAt) {
        int at = j * rows;
        int uCol = b0 + j;
        int i = j0;
        for (; i + 3 < j; i += 4) {
            float f0 = u[(b0 + i) * cols + uCol];
            float f1 = u[(b0 + i + 1) * cols + uCol];
            float f2 = u[(b0 + i + 2) * cols + uCol];
            float f3 = u[(b0 + i + 3) * cols + uCol];
            int e0 = errAt + i * rows;
            int e1 = e0 + rows;
            int e2 = e1 + rows;
            int e3 = e2 + rows;
            for (int r = r0; r < r1; r++) {
                float v = block[at + r];
                v -= err[e0 + r] * f0;
                v -= err[e1 + r] * f1;
                v -= err[e2 + r] * f2;
                v -= err[e3 + r] * f3;
                block[at + r] = v;
            }
        }
        for (; i < j; i++) {
            float f = u[(b0 + i) * cols + uCol];
            int e = errAt + i * rows;
            for (int r = r0; r < r1; r++) {
                block[at + r] -= err[e + r] * f;
            }
        }
    }
}
