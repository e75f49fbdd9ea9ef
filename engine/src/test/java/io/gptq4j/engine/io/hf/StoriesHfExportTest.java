package io.gptq4j.engine.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.RopeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stories260K exported from GGUF to a Hugging Face directory (fp32, q/k permuted to the
 * half-split layout) and loaded back must compute the reference logits and perplexity.
 */
class StoriesHfExportTest {

    @TempDir
    static Path tmp;

    static LlamaModel gguf;
    static Path hfDir;

    @BeforeAll
    static void export() throws IOException {
        gguf = ModelLoader.load(SharedData.data("stories260K.gguf"));
        hfDir = tmp.resolve("stories260K-hf");
        HfCheckpointWriter.write(gguf, hfDir, HfCheckpointWriter.Precision.F32);
    }

    @Test
    void exportedConfigDescribesModel() throws IOException {
        JsonNode config = new ObjectMapper().readTree(hfDir.resolve("config.json").toFile());
        assertEquals("llama", config.get("model_type").asText());
        assertEquals(64, config.get("hidden_size").asInt());
        assertEquals(172, config.get("intermediate_size").asInt());
        assertEquals(5, config.get("num_hidden_layers").asInt());
        assertEquals(8, config.get("num_attention_heads").asInt());
        assertEquals(4, config.get("num_key_value_heads").asInt());
        assertEquals(1e-5, config.get("rms_norm_eps").asDouble());
        // The GGUF holds a separate copy of the embedding as output.weight, so lm_head is written.
        assertEquals(false, config.get("tie_word_embeddings").asBoolean());
        SafeTensors st = SafeTensors.open(hfDir.resolve("model.safetensors"));
        assertArrayEquals(new long[] {32, 64}, st.info("model.layers.4.self_attn.k_proj.weight").shape());
        assertTrue(st.contains("lm_head.weight"));
        assertEquals(3 + 9 * 5, st.tensors().size());
    }

    @Test
    void qkRowsArePermutedToHalfSplit() throws IOException {
        SafeTensors st = SafeTensors.open(hfDir.resolve("model.safetensors"));
        float[] hfQ = st.floats("model.layers.0.self_attn.q_proj.weight");
        float[] ggufQ = gguf.layers().get(0).module(io.gptq4j.engine.model.ModuleName.Q_PROJ).weight();
        // headDim 8: half-split row 1 of head 0 is interleaved row 2 (pair 1, first half); row 4 is row 1.
        assertArrayEquals(Arrays.copyOfRange(ggufQ, 2 * 64, 3 * 64), Arrays.copyOfRange(hfQ, 64, 128));
        assertArrayEquals(Arrays.copyOfRange(ggufQ, 64, 128), Arrays.copyOfRange(hfQ, 4 * 64, 5 * 64));
        float[] hfV = st.floats("model.layers.0.self_attn.v_proj.weight");
        assertArrayEquals(gguf.layers().get(0).module(io.gptq4j.engine.model.ModuleName.V_PROJ).weight(), hfV);
    }

    @Test
    void loadedDirectoryGivesReferenceLogits() throws IOException {
        LlamaModel hf = ModelLoader.load(hfDir);
        assertEquals(RopeLayout.HALF_SPLIT, hf.config().ropeLayout());
        SafeTensors ref = SafeTensors.open(SharedData.fixture("forward/logits_once_upon_a_time.safetensors"));
        int[] tokens = ref.ints("tokens");
        float[] expected = ref.floats("logits");
        float[] logits = LlamaForward.logits(hf, tokens);
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - logits[i]));
        }
        assertTrue(maxDiff <= 1e-4, "max |logit difference| " + maxDiff);
        // Without the permutation the half-split forward would compute different logits.
        assertNotEquals(0.0, maxDiffAgainstUnpermuted(hf, tokens, logits));
    }

    private static double maxDiffAgainstUnpermuted(LlamaModel hf, int[] tokens, float[] logits) {
        LlamaModel wrongLayout = new LlamaModel(new io.gptq4j.engine.model.LlamaConfig(64, 172, 5, 8, 4, 8, 512,
                1e-5f, 10000f, RopeLayout.HALF_SPLIT, 2048), gguf.tokenEmbedding(), gguf.layers(), gguf.outputNorm(),
                gguf.output(), null, null);
        float[] wrong = LlamaForward.logits(wrongLayout, tokens);
        double d = 0;
        for (int i = 0; i < wrong.length; i++) {
            d = Math.max(d, Math.abs(wrong[i] - logits[i]));
        }
        return d;
    }

    @Test
    void loadedDirectoryGivesReferenceWindowCrossEntropy() throws IOException {
        // The full 379-window perplexity takes minutes on two cores; the first windows of seqlen 512
        // check the same computation against the per-window reference values.
        int windows = 6;
        LlamaModel hf = ModelLoader.load(hfDir);
        int[] tokens = SafeTensors.open(SharedData.fixture("forward/ppl_tinystories_eval.safetensors")).ints("tokens");
        JsonNode expected = new ObjectMapper().readTree(SharedData.fixture("forward/ppl_tinystories_eval.json").toFile())
                .get("results").get("512").get("window_mean_ce");
        double[] ce = Perplexity.evaluate(hf, Arrays.copyOf(tokens, windows * 512), 512).windowMeanCe();
        assertEquals(windows, ce.length);
        for (int w = 0; w < windows; w++) {
            assertEquals(expected.get(w).asDouble(), ce[w], 1e-5, "window " + w);
        }
    }

    @Test
    void tokenizerJsonFromGgufVocabulary() throws IOException {
        assertTrue(Files.isRegularFile(hfDir.resolve("tokenizer.json")));
        LlamaModel hf = ModelLoader.load(hfDir);
        DjlTokenizer tokenizer = assertInstanceOf(DjlTokenizer.class, hf.tokenizer());
        assertArrayEquals(new int[] {403, 407, 261, 378}, tokenizer.encode("Once upon a time"));
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
    }
}
