package io.gptq4j.engine.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.RopeLayout;
import io.gptq4j.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    private static final LlamaConfig CONFIG = TinyModels.config(8, 12, 1, 2, 1, 16, RopeLayout.INTERLEAVED);

    @Test
    void greedyFollowsOutputBias() {
        int[] generated = Generator.greedy(biasedModel(9, null), new int[] {1}, 4);
        assertArrayEquals(new int[] {9, 9, 9, 9}, generated);
    }

    @Test
    void greedyStopsAtEos() {
        int[] generated = Generator.greedy(biasedModel(2, fixedEos(2)), new int[] {1, 5}, 10);
        assertArrayEquals(new int[0], generated);
    }

    @Test
    void greedyMatchesArgmaxOfFullRecompute() {
        LlamaModel model = TinyModels.random(CONFIG, 77, false);
        int[] generated = Generator.greedy(model, new int[] {1, 3}, 5);

        int[] sequence = {1, 3, 0, 0, 0, 0, 0};
        for (int step = 0; step < 5; step++) {
            int length = 2 + step;
            double[][] logits = ReferenceForward.logits(model, java.util.Arrays.copyOf(sequence, length));
            double[] last = logits[length - 1];
            int best = 0;
            for (int i = 1; i < last.length; i++) {
                best = last[i] > last[best] ? i : best;
            }
            sequence[length] = best;
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(sequence, 2, 7), generated);
    }

    /** A model whose output head is zero with a bias that makes {@code favourite} the argmax. */
    private static LlamaModel biasedModel(int favourite, Tokenizer tokenizer) {
        LlamaModel random = TinyModels.random(CONFIG, 3, false);
        float[] bias = new float[CONFIG.vocabSize()];
        bias[favourite] = 1f;
        Linear head = new Linear("lm_head", CONFIG.vocabSize(), CONFIG.dim(),
                new float[CONFIG.vocabSize() * CONFIG.dim()], bias);
        return new LlamaModel(CONFIG, random.tokenEmbedding(), random.layers(), random.outputNorm(), head,
                tokenizer, random.source());
    }

    private static Tokenizer fixedEos(int eos) {
        return new Tokenizer() {
            @Override
            public int[] encode(String text) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String decode(int[] ids) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String decodePiece(int previous, int id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int bosId() {
                return 1;
            }

            @Override
            public int eosId() {
                return eos;
            }

            @Override
            public int vocabSize() {
                return CONFIG.vocabSize();
            }
        };
    }
}
