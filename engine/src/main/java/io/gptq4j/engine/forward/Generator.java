package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.LlamaModel;
import java.util.Arrays;

/** Text generation from a prompt of token ids. */
public final class Generator {
    private Generator() {
    }

    /**
     * Generates up to maxTokens ids greedily (argmax of the last position's logits, lowest id on
     * a tie), re-running the whole sequence each step. Stops early at the tokenizer's EOS, which
     * is not included in the result, or when the sequence reaches the model's context length.
     *
     * @param prompt ids to start from, usually [BOS] + encode(text); not included in the result
     * @return the generated ids
     */
    public static int[] greedy(LlamaModel model, int[] prompt, int maxTokens) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens; start it with BOS");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must not be negative, got " + maxTokens);
        }
        int eos = model.tokenizer() != null ? model.tokenizer().eosId() : -1;
        int vocab = model.config().vocabSize();
        int limit = Math.min(prompt.length + maxTokens, Math.max(prompt.length, model.config().contextLength()));
        int[] sequence = Arrays.copyOf(prompt, limit);
        int length = prompt.length;
        while (length < limit) {
            // TODO: a KV cache would make each step O(length) instead of re-running the window.
            float[] logits = LlamaForward.logits(model, Arrays.copyOf(sequence, length));
            int next = argmax(logits, (length - 1) * vocab, vocab);
            if (next == eos) {
                break;
            }
            sequence[length++] = next;
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }

    static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
