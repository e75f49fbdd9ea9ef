package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.LlamaConfig;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Causal grouped-query self-attention over one window: query head h reads KV head
 * h / (nHeads / nKvHeads), and scores are scaled by 1/sqrt(headDim).
 */
final class Attention {
    private Attention() {
    }

    /**
     * Returns the concatenated head outputs [tokens × qDim] for rotated q [tokens × qDim] and
     * k, v [tokens × kvDim]; row t attends to rows 0..t. Heads run in parallel.
     */
    static float[] causal(LlamaConfig config, float[] q, float[] k, float[] v, int tokens) {
        float[] out = new float[tokens * config.qDim()];
        IntStream.range(0, config.nHeads()).parallel()
                .forEach(head -> headOutput(config, q, k, v, tokens, head, out));
        return out;
    }

    private static void headOutput(LlamaConfig config, float[] q, float[] k, float[] v, int tokens,
                                   int head, float[] out) {
        int headDim = config.headDim();
        int qDim = config.qDim();
        int kvHead = head / (config.nHeads() / config.nKvHeads());
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // Keys transposed to [headDim × tokens] so that one query's scores are headDim
        // contiguous multiply-adds over the key positions, which HotSpot vectorizes.
        float[] keysT = transposeHead(k, tokens, config.kvDim(), kvHead * headDim, headDim);
        float[] values = copyHead(v, tokens, config.kvDim(), kvHead * headDim, headDim);
        float[] scores = new float[tokens];
        float[] acc = new float[headDim];

        for (int t = 0; t < tokens; t++) {
            int qOffset = t * qDim + head * headDim;
            int length = t + 1;
            scores(q, qOffset, keysT, tokens, headDim, length, scores);

            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < length; s++) {
                scores[s] *= scale;
                max = Math.max(max, scores[s]);
            }
            float sum = 0f;
            for (int s = 0; s < length; s++) {
                float e = FastExp.exp(scores[s] - max);
                scores[s] = e;
                sum += e;
            }

            weightedSum(scores, values, headDim, length, acc);
            float inverseSum = 1f / sum;
            for (int d = 0; d < headDim; d++) {
                out[qOffset + d] = acc[d] * inverseSum;
            }
        }
    }

    /**
     * Sets scores[s] = q · k_s for s < length from keys transposed to [headDim × tokens], four
     * head dimensions per pass so each pass is one vectorizable loop over s.
     */
    private static void scores(float[] q, int qOffset, float[] keysT, int tokens, int headDim, int length,
                               float[] scores) {
        Arrays.fill(scores, 0, length, 0f);
        int d = 0;
        for (; d + 4 <= headDim; d += 4) {
            float q0 = q[qOffset + d];
            float q1 = q[qOffset + d + 1];
            float q2 = q[qOffset + d + 2];
            float q3 = q[qOffset + d + 3];
            int r0 = d * tokens;
            int r1 = r0 + tokens;
            int r2 = r1 + tokens;
            int r3 = r2 + tokens;
            for (int s = 0; s < length; s++) {
                scores[s] += q0 * keysT[r0 + s] + q1 * keysT[r1 + s] + q2 * keysT[r2 + s] + q3 * keysT[r3 + s];
            }
        }
        for (; d < headDim; d++) {
            float qd = q[qOffset + d];
            int row = d * tokens;
            for (int s = 0; s < length; s++) {
                scores[s] += qd * keysT[row + s];
            }
        }
    }

    /**
     * Sets acc = Σ_{s < length} p[s] · values[s], values being [tokens × headDim]. Eight head
     * dimensions at a time accumulate in locals, which stay in registers.
     */
    private static void weightedSum(float[] p, float[] values, int headDim, int length, float[] acc) {
        int d = 0;
        for (; d + 8 <= headDim; d += 8) {
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            float a4 = 0f;
            float a5 = 0f;
            float a6 = 0f;
            float a7 = 0f;
            for (int s = 0; s < length; s++) {
                float ps = p[s];
                int row = s * headDim + d;
                a0 += ps * values[row];
                a1 += ps * values[row + 1];
                a2 += ps * values[row + 2];
                a3 += ps * values[row + 3];
                a4 += ps * values[row + 4];
                a5 += ps * values[row + 5];
                a6 += ps * values[row + 6];
                a7 += ps * values[row + 7];
            }
            acc[d] = a0;
            acc[d + 1] = a1;
            acc[d + 2] = a2;
            acc[d + 3] = a3;
            acc[d + 4] = a4;
            acc[d + 5] = a5;
            acc[d + 6] = a6;
            acc[d + 7] = a7;
        }
        for (; d < headDim; d++) {
            float a = 0f;
            for (int s = 0; s < length; s++) {
                a += p[s] * values[s * headDim + d];
            }
            acc[d] = a;
        }
    }

    /** Returns columns [offset, offset + width) of a [rows × stride] matrix, transposed. */
    private static float[] transposeHead(float[] m, int rows, int stride, int offset, int width) {
        float[] t = new float[width * rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                t[c * rows + r] = m[r * stride + offset + c];
            }
        }
        return t;
    }

    /** Returns columns [offset, offset + width) of a [rows × stride] matrix as a dense [rows × width] one. */
    private static float[] copyHead(float[] m, int rows, int stride, int offset, int width) {
        float[] c = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m, r * stride + offset, c, r * width, width);
        }
        return c;
    }
}
