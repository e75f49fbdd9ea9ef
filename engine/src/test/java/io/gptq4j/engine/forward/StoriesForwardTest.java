package io.gptq4j.engine.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The forward pass of stories260K against logits and a greedy continuation from a PyTorch reference. */
class StoriesForwardTest {
    private static LlamaModel gguf;

    @BeforeAll
    static void load() throws IOException {
        gguf = ModelLoader.load(SharedData.data("stories260K.gguf"));
    }

    @Test
    void logitsOfOnceUponATime() throws IOException {
        SafeTensors fixture = SafeTensors.open(SharedData.fixture("forward/logits_once_upon_a_time.safetensors"));
        int[] tokens = fixture.ints("tokens");
        float[] expected = fixture.floats("logits");
        JsonNode json = readJson("forward/logits_once_upon_a_time.json");
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, tokens);

        float[] actual = LlamaForward.logits(gguf, tokens);

        assertEquals(expected.length, actual.length);
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        assertEquals(0, maxDiff, 1e-4, "max |logit difference|");
        int vocab = gguf.config().vocabSize();
        for (int t = 0; t < tokens.length; t++) {
            assertEquals(json.get("argmax").get(t).asInt(), Generator.argmax(actual, t * vocab, vocab), "argmax at " + t);
        }
    }

    @Test
    void tokenizerEncodesPromptAsReference() {
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, Perplexity.tokenize(gguf.tokenizer(), "Once upon a time"));
    }

    @Test
    void greedyGenerationFromBosGguf() throws IOException {
        assertGreedyMatches(gguf);
    }

    @Test
    void greedyGenerationFromBosLlama2cLegacy() throws IOException {
        assertGreedyMatches(ModelLoader.load(SharedData.data("stories260K.bin")));
    }

    @Test
    void greedyGenerationFromBosLlama2cVersion1() throws IOException {
        assertGreedyMatches(ModelLoader.load(SharedData.data("stories260K_v1.bin")));
    }

    private static void assertGreedyMatches(LlamaModel model) throws IOException {
        JsonNode json = readJson("forward/greedy_generation.json");
        int[] expected = new int[json.get("generated_ids").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = json.get("generated_ids").get(i).asInt();
        }

        int[] generated = Generator.greedy(model, new int[] {1}, json.get("steps").asInt());

        assertArrayEquals(expected, generated);
        int[] withBos = new int[generated.length + 1];
        withBos[0] = 1;
        System.arraycopy(generated, 0, withBos, 1, generated.length);
        assertEquals(json.get("text").asText(), gguf.tokenizer().decode(withBos));
    }

    private static JsonNode readJson(String fixture) throws IOException {
        Path path = SharedData.fixture(fixture);
        return new ObjectMapper().readTree(path.toFile());
    }
}
