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
            Arrays.fill(scores, 0, length, 0f);
            for (int d = 0; d < headDim; d++) {
                float qd = q[qOffset + d];
                int row = d * tokens;
                for (int s = 0; s < length; s++) {
                    scores[s] += qd * keysT[row + s];
                }
            }

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

            Arrays.fill(acc, 0f);
            for (int s = 0; s < length; s++) {
                float p = scores[s];
                int row = s * headDim;
                for (int d = 0; d < headDim; d++) {
                    acc[d] += p * values[row + d];
                }
            }
            float inverseSum = 1f / sum;
            for (int d = 0; d < headDim; d++) {
                out[qOffset + d] = acc[d] * inverseSum;
            }
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
