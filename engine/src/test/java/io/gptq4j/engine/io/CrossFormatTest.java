package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three stories260K files hold the same weights in different layouts (GGUF, llama2.c legacy
 * and version 1), so loading them must give bit-identical tensors. Each reader uses its own
 * offsets, so a wrong order or transposition in one of them shows up here.
 */
class CrossFormatTest {
    private static LlamaModel gguf;
    private static LlamaModel legacy;
    private static LlamaModel v1;

    @BeforeAll
    static void load() throws Exception {
        gguf = ModelLoader.load(SharedData.data("stories260K.gguf"));
        legacy = ModelLoader.load(SharedData.data("stories260K.bin"));
        v1 = ModelLoader.load(SharedData.data("stories260K_v1.bin"));
    }

    @Test
    void llama2cConfigsMatchHeader() {
        LlamaConfig expected = new LlamaConfig(64, 172, 5, 8, 4, 8, 512, 1e-5f, 10000f, RopeLayout.INTERLEAVED, 512);
        assertEquals(expected, legacy.config());
        assertEquals(expected, v1.config());
    }

    @Test
    void legacyWeightsEqualGguf() {
        assertSameWeights(gguf, legacy);
    }

    @Test
    void versionOneWeightsEqualGguf() {
        assertSameWeights(gguf, v1);
    }

    @Test
    void sharedClassifierReusesEmbedding() {
        assertSame(legacy.tokenEmbedding(), legacy.output().weight());
        assertSame(v1.tokenEmbedding(), v1.output().weight());
        // The GGUF stores output.weight as a separate copy with the same values.
        assertNotSame(gguf.tokenEmbedding(), gguf.output().weight());
        assertArrayEquals(gguf.tokenEmbedding(), gguf.output().weight());
    }

    private static void assertSameWeights(LlamaModel expected, LlamaModel actual) {
        assertArrayEquals(expected.tokenEmbedding(), actual.tokenEmbedding(), "token embedding");
        assertArrayEquals(expected.outputNorm(), actual.outputNorm(), "output norm");
        assertArrayEquals(expected.output().weight(), actual.output().weight(), "classifier");
        for (int l = 0; l < expected.layers().size(); l++) {
            assertArrayEquals(expected.layers().get(l).attnNorm(), actual.layers().get(l).attnNorm(), "attn_norm " + l);
            assertArrayEquals(expected.layers().get(l).ffnNorm(), actual.layers().get(l).ffnNorm(), "ffn_norm " + l);
            for (ModuleName m : ModuleName.values()) {
                assertArrayEquals(expected.layers().get(l).module(m).weight(), actual.layers().get(l).module(m).weight(),
                        "layer " + l + " " + m);
            }
        }
    }
}
