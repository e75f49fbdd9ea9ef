package io.gptq4j.engine.quant;

import io.gptq4j.engine.linalg.Blas;
import io.gptq4j.engine.linalg.Triangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The GPTQ Hessian {@code H = (2 / nsamples) * sum over calibration tokens of x x^T} of one
 * Linear input, with AutoGPTQ's normalisation: nsamples counts calibration sequences, not tokens.
 * AutoGPTQ keeps a running average, one sequence at a time
 * ({@code H <- H * n / (n + 1); n <- n + 1; H <- H + (2 / n) X^T X}); this class buffers the
 * tokens of several sequences and folds them in with one SYRK,
 * {@code H <- H * n_old / n_new + (2 / n_new) X^T X}, which is the same average with fewer passes
 * over H (the results agree to float32 rounding). Modules that read the same input (q/k/v,
 * gate/up) can share one instance: quantizing never modifies it.
 *
 * <p>Thread-safe: all methods are synchronized.
 */
public final class Hessian {
    private final String label;
    private final int cols;
    /** Upper triangle valid while accumulating; row-major cols x cols. */
    private final float[] h;
    /** Sequences and tokens already folded into h. */
    private int foldedSamples;
    private int nsamples;
    private long ntokens;
    private long accumulateNanos;
    /** Tokens of sequences not yet folded into h, row-major pendingTokens x cols. */
    private float[] pending;
    private int pendingTokens;
    /**
     * Tokens buffered before a fold. The buffer array grows toward it on demand, so a run with few
     * calibration tokens does not allocate (and zero) the whole 64 MiB.
     */
    private int capacityTokens;

    /**
     * @param label names the module(s) feeding this input, for error messages
     * @param cols  input features (columns of the weight)
     */
    public Hessian(String label, int cols) {
        this.label = Objects.requireNonNull(label, "label");
        if (cols <= 0 || (long) cols * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(label + ": invalid Hessian size " + cols + " columns");
        }
        this.cols = cols;
        this.h = new float[cols * cols];
    }

    /**
     * Creates a Hessian from a finished symmetric matrix, e.g. one stored with a checkpoint.
     *
     * @param matrix row-major cols x cols, symmetric; copied
     */
    public static Hessian of(String label, float[] matrix, int cols, int nsamples, long ntokens) {
        Hessian result = new Hessian(label, cols);
        if (matrix.length != cols * cols) {
            throw new IllegalArgumentException(label + ": Hessian has " + matrix.length + " elements, expected "
                    + cols + " x " + cols);
        }
        if (nsamples <= 0 || ntokens < nsamples) {
            throw new IllegalArgumentException(label + ": invalid sample counts nsamples=" + nsamples
                    + ", ntokens=" + ntokens);
        }
        checkFinite(label, "Hessian", matrix, cols);
        System.arraycopy(matrix, 0, result.h, 0, matrix.length);
        result.nsamples = nsamples;
        result.foldedSamples = nsamples;
        result.ntokens = ntokens;
        return result;
    }

    /**
     * Adds one calibration sequence.
     *
     * @param x      the sequence's inputs to the module, row-major tokens x cols
     * @param tokens number of tokens (rows of x)
     * @throws IllegalArgumentException when x has the wrong size or a NaN/infinite value
     */
    public synchronized void add(float[] x, int tokens) {
        if (tokens <= 0 || (long) tokens * cols != x.length) {
            throw new IllegalArgumentException(label + ": calibration input has " + x.length + " values, expected "
                    + tokens + " tokens x " + cols + " columns");
        }
        checkFinite(label, "calibration input", x, cols);
        long start = System.nanoTime();
        if (pending != null && pendingTokens + tokens > capacityTokens) {
            fold();
        }
        if (pending == null || tokens > capacityTokens) {
            // Buffer up to about 64 MiB of tokens, and at least this sequence.
            capacityTokens = Math.max(tokens, Math.max(1, (16 << 20) / cols));
            fold();
            pending = new float[0];
        }
        // At most capacityTokens x cols, which is at most max(x.length, 2^24) and so fits an int.
        int needed = (pendingTokens + tokens) * cols;
        if (needed > pending.length) {
            long grown = Math.max(needed, 2L * pending.length);
            pending = Arrays.copyOf(pending, (int) Math.min(grown, (long) capacityTokens * cols));
        }
        System.arraycopy(x, 0, pending, pendingTokens * cols, x.length);
        pendingTokens += tokens;
        nsamples++;
        ntokens += tokens;
        accumulateNanos += System.nanoTime() - start;
    }

    /** Folds the buffered sequences into h: {@code H <- H * n_old / n_new + (2 / n_new) X^T X}. */
    private void fold() {
        if (pendingTokens == 0) {
            return;
        }
        float keep = (float) (foldedSamples / (double) nsamples);
        float alpha = (float) (2.0 / nsamples);
        Blas.get().ssyrk(Triangle.UPPER, true, cols, pendingTokens, alpha, pending, 0, cols, keep, h, 0, cols);
        foldedSamples = nsamples;
        pendingTokens = 0;
    }

    /** Folds the buffer into h and frees it, timing the work as accumulation. */
    private void finish() {
        long start = System.nanoTime();
        fold();
        pending = null;
        capacityTokens = 0;
        accumulateNanos += System.nanoTime() - start;
    }

    private static void checkFinite(String label, String what, float[] values, int cols) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(label + ": " + what + " has " + values[i] + " at row "
                        + (i / cols) + ", column " + (i % cols) + "; the model produced non-finite activations"
                        + " (check the weights and the layers before this module)");
            }
        }
    }

    public String label() {
        return label;
    }

    public int cols() {
        return cols;
    }

    /** Calibration sequences added. */
    public synchronized int nsamples() {
        return nsamples;
    }

    /** Calibration tokens added. */
    public synchronized long ntokens() {
        return ntokens;
    }

    /** Seconds spent accumulating: buffering and SYRK. */
    public synchronized double accumulateSeconds() {
        return accumulateNanos / 1e9;
    }

    /** Returns a full symmetric copy of H, row-major cols x cols. */
    public synchronized float[] matrix() {
        finish();
        float[] full = new float[h.length];
        // Each task copies the upper triangle of its 64 rows and mirrors it into the lower triangle,
        // so every element has one writer. The column-strided writes go tile by tile to stay in cache.
        int tile = 64;
        IntStream.range(0, (cols + tile - 1) / tile).parallel().forEach(t -> {
            int i0 = t * tile;
            int i1 = Math.min(cols, i0 + tile);
            for (int i = i0; i < i1; i++) {
                System.arraycopy(h, i * cols + i, full, i * cols + i, cols - i);
            }
            for (int j0 = i0; j0 < cols; j0 += tile) {
                for (int i = i0; i < i1; i++) {
                    for (int j = Math.max(j0, i + 1); j < Math.min(cols, j0 + tile); j++) {
                        full[j * cols + i] = h[i * cols + j];
                    }
                }
            }
        });
        return full;
    }

    /** Input columns with {@code H[k][k] == 0}, i.e. never non-zero in the calibration data. */
    public synchronized List<Integer> deadColumns() {
        finish();
        List<Integer> dead = new ArrayList<>();
        for (int k = 0; k < cols; k++) {
            if (h[k * cols + k] == 0f) {
                dead.add(k);
            }
        }
        return dead;
    }
}
