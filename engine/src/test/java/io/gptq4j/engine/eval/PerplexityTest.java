package io.gptq4j.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.forward.TinyModels;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.RopeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class PerplexityTest {

    private static final LlamaConfig CONFIG = TinyModels.config(8, 12, 1, 2, 1, 16, RopeLayout.INTERLEAVED);

    @Test
    void crossEntropyOfHandPickedLogits() {
        // Row 0 predicts id 1 from logits (0, ln 3): p = 3/4. Row 1 predicts id 0 from (0, 0): p = 1/2.
        float[] logits = {0f, (float) Math.log(3), 0f, 0f, 5f, 5f};
        double ce = Perplexity.meanCrossEntropy(logits, new int[] {0, 1, 0}, 2);

        double expected = (-Math.log(0.75) - Math.log(0.5)) / 2;
        assertEquals(expected, ce, 1e-7);
    }

    @Test
    void uniformModelHasPerplexityOfVocabularySize() {
        LlamaModel model = uniformModel();
        int[] tokens = {1, 4, 9, 2, 2, 7, 15, 0, 3, 11};

        PerplexityResult result = Perplexity.evaluate(model, tokens, 4);

        assertEquals(16, result.perplexity(), 1e-9);
        assertEquals(2, result.windows(), "10 tokens hold two windows of 4");
        assertEquals(10, result.tokens());
        assertEquals(2, result.droppedTokens());
        assertArrayEquals(new double[] {Math.log(16), Math.log(16)}, result.windowMeanCe(), 1e-9);
    }

    @Test
    void perplexityIsExpOfMeanWindowCrossEntropy() {
        LlamaModel model = TinyModels.random(CONFIG, 5, false);
        int[] tokens = {1, 4, 9, 2, 2, 7, 15, 0, 3, 11, 6, 6, 1};
        List<Double> seen = new ArrayList<>();

        PerplexityResult result = Perplexity.evaluate(model, tokens, 3, (w, n, ce) -> seen.add(ce));

        assertEquals(4, result.windows());
        assertEquals(4, seen.size());
        double mean = seen.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertEquals(Math.exp(mean), result.perplexity(), 1e-12);
        // A window is scored alone: its result equals evaluating just its tokens.
        PerplexityResult third = Perplexity.evaluate(model, new int[] {15, 0, 3}, 3);
        assertEquals(third.windowMeanCe()[0], result.windowMeanCe()[2], 0.0);
    }

    @Test
    void textShorterThanOneWindowIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Perplexity.evaluate(uniformModel(), new int[] {1, 2, 3}, 4));
        assertTrue(e.getMessage().contains("3 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("seqlen 4"), e.getMessage());
    }

    @Test
    void interruptStopsBetweenWindows() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class,
                    () -> Perplexity.evaluate(uniformModel(), new int[] {1, 2, 3, 4}, 2));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag stays set");
        } finally {
            Thread.interrupted();
        }
    }

    /** A model whose output head is zero, so every position predicts the uniform distribution. */
    private static LlamaModel uniformModel() {
        LlamaModel random = TinyModels.random(CONFIG, 3, false);
        Linear zero = new Linear("lm_head", CONFIG.vocabSize(), CONFIG.dim(),
                new float[CONFIG.vocabSize() * CONFIG.dim()], null);
        return new LlamaModel(CONFIG, random.tokenEmbedding(), random.layers(), random.outputNorm(), zero,
                null, random.source());
    }
}
