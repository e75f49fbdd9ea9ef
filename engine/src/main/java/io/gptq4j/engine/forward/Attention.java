package io.gptq4j.engine.forward;

import io.gptq4j.engine.linalg.Blas;
import io.gptq4j.engine.model.LlamaConfig;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Causal grouped-query self-attention over one window: query head h reads KV head
 * h / (nHeads / nKvHeads), and scores are scaled by 1/sqrt(headDim).
 */
final class Attention {
    /** Queries per block of the Java path; a block's scores take tokens × 64 floats. */
    private static final int QUERY_BLOCK = 64;

    private Attention() {
    }

    /**
     * Returns the concatenated head outputs [tokens × qDim] for rotated q [tokens × qDim] and
     * k, v [tokens × kvDim]; row t attends to rows 0..t. Small windows run heads in parallel
     * in Java, large ones run each head through the BLAS.
     */
    static float[] causal(LlamaConfig config, float[] q, float[] k, float[] v, int tokens) {
        float[] out = new float[tokens * config.qDim()];
        if ((long) tokens * tokens * config.headDim() >= Matmul.BLAS_THRESHOLD) {
            for (int head = 0; head < config.nHeads(); head++) {
                headOutputBlas(config, q, k, v, tokens, head, out);
            }
        } else {
            IntStream.range(0, config.nHeads()).parallel()
                    .forEach(head -> headOutput(config, q, k, v, tokens, head, out));
        }
        return out;
    }

    /**
     * Computes one head with two BLAS products, {@code S = scale · Q Kᵀ} and {@code out = P V},
     * where P is the row softmax of S over s <= t and exactly 0 above the diagonal. The full
     * [tokens × tokens] S costs twice the causal multiply-adds but runs at BLAS speed.
     */
    private static void headOutputBlas(LlamaConfig config, float[] q, float[] k, float[] v, int tokens,
                                       int head, float[] out) {
        int headDim = config.headDim();
        int kvOffset = head / (config.nHeads() / config.nKvHeads()) * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] p = new float[tokens * tokens];
        Blas blas = Blas.get();
        blas.sgemm(false, true, tokens, tokens, headDim, scale, q, head * headDim, config.qDim(),
                k, kvOffset, config.kvDim(), 0f, p, 0, tokens);
        IntStream.range(0, tokens).parallel().forEach(t -> softmaxCausalRow(p, t * tokens, t + 1, tokens));
        blas.sgemm(false, false, tokens, headDim, tokens, 1f, p, 0, tokens,
                v, kvOffset, config.kvDim(), 0f, out, head * headDim, config.qDim());
    }

    /** Replaces row[0, length) by its softmax and zeroes row[length, width). */
    private static void softmaxCausalRow(float[] m, int offset, int length, int width) {
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < length; s++) {
            max = Math.max(max, m[offset + s]);
        }
        float sum = 0f;
        for (int s = 0; s < length; s++) {
            float e = FastExp.exp(m[offset + s] - max);
            m[offset + s] = e;
            sum += e;
        }
        float inverseSum = 1f / sum;
        for (int s = 0; s < length; s++) {
            m[offset + s] *= inverseSum;
        }
        Arrays.fill(m, offset + length, offset + width, 0f);
    }

    /**
     * Computes one head in plain Java, {@link #QUERY_BLOCK} queries at a time. For a block, pass
     * one writes the scaled scores of every visible key into one row per key (indexed by query)
     * and keeps each query's running max. Pass two replaces the scores by their exponentials and
     * adds them into each query's sum and output. Every inner loop runs over the block's queries
     * and touches only separate arrays, with the key and value entries as scalars, so C2 can
     * vectorize it (see {@link Matmul#multiplyTransposedSmall}). Per query, the scores, the max,
     * the sum and the weighted values see the same operations in the same order as a loop over
     * the keys of one query would.
     */
    private static void headOutput(LlamaConfig config, float[] q, float[] k, float[] v, int tokens,
                                   int head, float[] out) {
        int headDim = config.headDim();
        int qOffset = head * headDim;
        int kvOffset = head / (config.nHeads() / config.nKvHeads()) * headDim;
        int block = Math.min(tokens, QUERY_BLOCK);
        HeadScratch scratch = new HeadScratch(tokens, block, headDim);
        for (int t0 = 0; t0 < tokens; t0 += block) {
            int width = Math.min(block, tokens - t0);
            for (int d = 0; d < headDim; d++) {
                float[] qd = scratch.queries[d];
                for (int t = 0; t < width; t++) {
                    qd[t] = q[(t0 + t) * config.qDim() + qOffset + d];
                }
            }
            scaledScores(scratch, k, config.kvDim(), kvOffset, headDim, t0, width);
            weightedValues(scratch, v, config.kvDim(), kvOffset, headDim, t0, width);
            for (int t = 0; t < width; t++) {
                float inverseSum = 1f / scratch.sum[t];
                int row = (t0 + t) * config.qDim() + qOffset;
                for (int d = 0; d < headDim; d++) {
                    out[row + d] = scratch.outputs[d][t] * inverseSum;
                }
            }
        }
    }

    /** Per-head work arrays; each row is a separate array so that C2 can vectorize the loops over it. */
    private static final class HeadScratch {
        /** scores[s][t]: query t0 + t against key s, for s <= t0 + t. */
        final float[][] scores;
        /** queries[d][t]: head dimension d of query t0 + t. */
        final float[][] queries;
        /** outputs[d][t]: unnormalized output dimension d of query t0 + t. */
        final float[][] outputs;
        final float[] max;
        final float[] sum;
        final float[] polynomial;
        final float[] exponent;

        HeadScratch(int tokens, int block, int headDim) {
            scores = new float[tokens][block];
            queries = new float[headDim][block];
            outputs = new float[headDim][block];
            max = new float[block];
            sum = new float[block];
            polynomial = new float[block];
            exponent = new float[block];
        }
    }

    /**
     * Sets scores[s][t] = scale · q_{t0+t} · k_s for the keys s <= t0 + t, and max[t] to the
     * largest of them. The dot product adds head dimensions in groups of four, then one by one.
     */
    private static void scaledScores(HeadScratch scratch, float[] k, int kvDim, int kvOffset, int headDim, int t0,
                                     int width) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] max = scratch.max;
        Arrays.fill(max, 0, width, Float.NEGATIVE_INFINITY);
        float[][] queries = scratch.queries;
        for (int s = 0; s < t0 + width; s++) {
            float[] row = scratch.scores[s];
            int from = Math.max(0, s - t0);
            int key = s * kvDim + kvOffset;
            Arrays.fill(row, from, width, 0f);
            int d = 0;
            for (; d + 4 <= headDim; d += 4) {
                float k0 = k[key + d];
                float k1 = k[key + d + 1];
                float k2 = k[key + d + 2];
                float k3 = k[key + d + 3];
                float[] q0 = queries[d];
                float[] q1 = queries[d + 1];
                float[] q2 = queries[d + 2];
                float[] q3 = queries[d + 3];
                for (int t = from; t < width; t++) {
                    row[t] += q0[t] * k0 + q1[t] * k1 + q2[t] * k2 + q3[t] * k3;
                }
            }
            for (; d < headDim; d++) {
                float kd = k[key + d];
                float[] qd = queries[d];
                for (int t = from; t < width; t++) {
                    row[t] += qd[t] * kd;
                }
            }
            for (int t = from; t < width; t++) {
                float score = row[t] * scale;
                row[t] = score;
                max[t] = Math.max(max[t], score);
            }
        }
    }

    /**
     * Replaces each visible score by e^(score - max), sets sum[t] to their sum and outputs[d][t] to
     * Σ_s e_s · v_s[d], adding the keys in order.
     */
    private static void weightedValues(HeadScratch scratch, float[] v, int kvDim, int kvOffset, int headDim, int t0,
                                       int width) {
        float[] max = scratch.max;
        float[] sum = scratch.sum;
        Arrays.fill(sum, 0, width, 0f);
        for (int d = 0; d < headDim; d++) {
            Arrays.fill(scratch.outputs[d], 0, width, 0f);
        }
        for (int s = 0; s < t0 + width; s++) {
            float[] row = scratch.scores[s];
            int from = Math.max(0, s - t0);
            for (int t = from; t < width; t++) {
                row[t] -= max[t];
            }
            FastExp.expInPlace(row, from, width, scratch.polynomial, scratch.exponent);
            for (int t = from; t < width; t++) {
                sum[t] += row[t];
            }
            int value = s * kvDim + kvOffset;
            for (int d = 0; d < headDim; d++) {
                float vd = v[value + d];
                float[] output = scratch.outputs[d];
                for (int t = from; t < width; t++) {
                    output[t] += row[t] * vd;
                }
            }
        }
    }
}
