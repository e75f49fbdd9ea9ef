package io.gptq4j.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.tokenizer.Tokenizer;
import io.gptq4j.engine.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Perplexity of stories260K on the TinyStories evaluation text, on the token ids of the
 * SentencePiece tokenizer (tok512.model, whitespace normalisation on), against a PyTorch reference.
 */
class StoriesPerplexityTest {
    private static LlamaModel model;
    private static int[] tokens;
    private static JsonNode expected;

    @BeforeAll
    static void load() throws IOException {
        model = ModelLoader.load(SharedData.data("stories260K.gguf"));
        tokens = SafeTensors.open(SharedData.fixture("forward/ppl_tinystories_eval.safetensors")).ints("tokens");
        expected = new ObjectMapper().readTree(SharedData.fixture("forward/ppl_tinystories_eval.json").toFile());
    }

    @Test
    void seqlen512() {
        assertMatchesReference(Perplexity.evaluate(model, tokens, 512), 4.372028, 379);
    }

    @Test
    void seqlen128FirstWindows() {
        // Windows are independent, so the first 160 of the 1519 windows check the per-window values
        // at a tenth of the cost. The full run at seqlen 512 covers the whole text.
        int windows = 160;
        PerplexityResult result = Perplexity.evaluate(model, Arrays.copyOf(tokens, windows * 128), 128);
        JsonNode reference = expected.get("results").get("128").get("window_mean_ce");
        assertEquals(windows, result.windows());
        double referenceMean = 0;
        for (int w = 0; w < windows; w++) {
            assertEquals(reference.get(w).asDouble(), result.windowMeanCe()[w], 1e-5, "window " + w);
            referenceMean += reference.get(w).asDouble() / windows;
        }
        assertEquals(Math.exp(referenceMean), result.perplexity(), Math.exp(referenceMean) * 1e-5, "perplexity");
    }

    @Test
    void sentencePieceModelTokenizesLikeReference() throws IOException {
        Tokenizer tok512 = Tokenizers.load(SharedData.data("tok512.model"));
        int[] actual = Perplexity.tokenize(tok512, Perplexity.readText(SharedData.data("tinystories_valid_eval.txt")));
        assertArrayEquals(tokens, actual);
    }

    @Test
    void ggufVocabularyKeepsDoubleSpace() throws IOException {
        // Without whitespace normalisation the text's one double space costs one token more.
        int[] actual = Perplexity.tokenize(model.tokenizer(),
                Perplexity.readText(SharedData.data("tinystories_valid_eval.txt")));
        assertEquals(194507, actual.length);
    }

    private static void assertMatchesReference(PerplexityResult result, double perplexity, int windows) {
        JsonNode reference = expected.get("results").get(Integer.toString(result.seqlen()));
        assertEquals(194506, result.tokens());
        assertEquals(windows, result.windows());
        assertEquals(perplexity, result.perplexity(), perplexity * 1e-5, "perplexity");
        double[] ce = result.windowMeanCe();
        for (int w = 0; w < windows; w++) {
            assertEquals(reference.get("window_mean_ce").get(w).asDouble(), ce[w], 1e-5, "window " + w);
        }
    }
}
