package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.LlamaConfig;
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
        int kvDim = config.kvDim();
        int kvHead = head / (config.nHeads() / config.nKvHeads());
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] scores = new float[tokens];
        float[] acc = new float[headDim];

        for (int t = 0; t < tokens; t++) {
            int qOffset = t * qDim + head * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s <= t; s++) {
                int kOffset = s * kvDim + kvHead * headDim;
                float dot = 0f;
                for (int d = 0; d < headDim; d++) {
                    dot += q[qOffset + d] * k[kOffset + d];
                }
                float score = dot * scale;
                scores[s] = score;
                max = Math.max(max, score);
            }

            float sum = 0f;
            for (int s = 0; s <= t; s++) {
                float e = (float) Math.exp(scores[s] - max);
                scores[s] = e;
                sum += e;
            }

            java.util.Arrays.fill(acc, 0f);
            for (int s = 0; s <= t; s++) {
                float p = scores[s];
                int vOffset = s * kvDim + kvHead * headDim;
                for (int d = 0; d < headDim; d++) {
                    acc[d] += p * v[vOffset + d];
                }
            }
            float inverseSum = 1f / sum;
            for (int d = 0; d < headDim; d++) {
                out[qOffset + d] = acc[d] * inverseSum;
            }
        }
    }
}
