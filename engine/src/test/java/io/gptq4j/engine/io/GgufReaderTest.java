package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads the real stories260K.gguf; expected values are those its provenance notes list. */
class GgufReaderTest {
    private static final Path GGUF = SharedData.data("stories260K.gguf");

    @Test
    void headerAndDirectory() throws Exception {
        GgufFile gguf = GgufReader.open(GGUF);

        assertEquals(3, gguf.version());
        assertEquals(19, gguf.metadata().size());
        assertEquals(48, gguf.tensors().size());
        assertEquals(32, gguf.alignment());
        assertEquals(14176, gguf.dataStart());
        assertEquals("llama", gguf.stringOrNull("general.architecture"));
        assertEquals(2048, gguf.requireInt("llama.context_length"));
        assertEquals(512, gguf.requireArray("tokenizer.ggml.tokens", String[].class).length);
        assertEquals(512, gguf.requireArray("tokenizer.ggml.scores", float[].class).length);
        assertEquals(512, gguf.requireArray("tokenizer.ggml.token_type", int[].class).length);
        assertEquals(4294967295L, gguf.metadata().get("tokenizer.ggml.padding_token_id"));
        assertArrayEquals(new long[] {64, 32}, gguf.tensor("blk.0.attn_k.weight").dims());
        assertArrayEquals(new long[] {172, 64}, gguf.tensor("blk.4.ffn_down.weight").dims());
        assertEquals(GgmlType.F32, gguf.tensor("output.weight").type());

        long elements = gguf.tensors().values().stream().mapToLong(GgufTensorInfo::elementCount).sum();
        assertEquals(292_800, elements);
    }

    @Test
    void configMatchesCheckpoint() throws Exception {
        LlamaConfig c = GgufLlamaLoader.config(GgufReader.open(GGUF));

        assertEquals(new LlamaConfig(64, 172, 5, 8, 4, 8, 512, 1e-5f, 10000f, RopeLayout.INTERLEAVED, 2048), c);
    }

    @Test
    void loadsModelWithHuggingFaceNames() throws Exception {
        LlamaModel model = ModelLoader.load(GGUF);

        assertEquals(5, model.layers().size());
        assertEquals("model.layers.3.mlp.down_proj", model.layers().get(3).module(ModuleName.DOWN_PROJ).name());
        assertEquals(64, model.layers().get(3).module(ModuleName.DOWN_PROJ).outFeatures());
        assertEquals(172, model.layers().get(3).module(ModuleName.DOWN_PROJ).inFeatures());
        assertEquals(32, model.layers().get(0).module(ModuleName.K_PROJ).outFeatures());
        assertEquals("lm_head", model.output().name());
        assertSame(GGUF, model.source());
    }
}
