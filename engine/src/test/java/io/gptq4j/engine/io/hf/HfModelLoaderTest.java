package io.gptq4j.engine.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.forward.TinyModels;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.io.SafeTensorsWriter;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import io.gptq4j.engine.tokenizer.SentencePieceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face directories built from small random models: layouts, variants and malformed input. */
class HfModelLoaderTest {
    private static final LlamaConfig CONFIG = TinyModels.config(16, 24, 2, 4, 2, 32, RopeLayout.HALF_SPLIT);
    private static final int[] TOKENS = {1, 5, 9, 30, 2, 7};

    @TempDir
    Path tmp;

    private Path export(LlamaModel model) throws IOException {
        Path dir = tmp.resolve("model");
        HfCheckpointWriter.write(model, dir, HfCheckpointWriter.Precision.F32);
        return dir;
    }

    @Test
    void qwen2BiasesRoundTrip() throws IOException {
        LlamaModel model = TinyModels.random(CONFIG, 11, true);
        Path dir = export(model);
        assertEquals("qwen2", new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("model_type").asText());
        LlamaModel loaded = ModelLoader.load(dir);
        assertArrayEquals(model.layers().get(1).module(ModuleName.K_PROJ).bias(),
                loaded.layers().get(1).module(ModuleName.K_PROJ).bias());
        assertNull(loaded.layers().get(1).module(ModuleName.O_PROJ).bias());
        // Same layout and the same float32 values: the forward pass must agree exactly.
        assertArrayEquals(LlamaForward.logits(model, TOKENS), LlamaForward.logits(loaded, TOKENS));
    }

    @Test
    void qwen2WithoutBiasIsRejected() throws IOException {
        Path dir = export(TinyModels.random(CONFIG, 11, false));
        // Qwen2's attention_bias defaults to true when config.json leaves it out.
        editConfig(dir, c -> {
            c.put("model_type", "qwen2");
            c.remove("attention_bias");
        });
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("missing tensor 'model.layers.0.self_attn.q_proj.bias'"), e.getMessage());
    }

    @Test
    void tiedEmbeddingsShareTheArray() throws IOException {
        LlamaModel random = TinyModels.random(CONFIG, 3, false);
        LlamaModel tied = new LlamaModel(CONFIG, random.tokenEmbedding(), random.layers(), random.outputNorm(),
                new io.gptq4j.engine.model.Linear("lm_head", 32, 16, random.tokenEmbedding(), null), null, null);
        Path dir = export(tied);
        assertTrue(!SafeTensors.open(dir.resolve("model.safetensors")).contains("lm_head.weight"));
        LlamaModel loaded = ModelLoader.load(dir);
        assertSame(loaded.tokenEmbedding(), loaded.output().weight());
        assertArrayEquals(LlamaForward.logits(tied, TOKENS), LlamaForward.logits(loaded, TOKENS));
    }

    @Test
    void shardedCheckpointLoads() throws IOException {
        LlamaModel model = TinyModels.random(CONFIG, 5, false);
        Path dir = export(model);
        SafeTensors single = SafeTensors.open(dir.resolve("model.safetensors"));
        SafeTensorsWriter first = new SafeTensorsWriter();
        SafeTensorsWriter second = new SafeTensorsWriter();
        ObjectNode index = new ObjectMapper().createObjectNode();
        ObjectNode weightMap = index.putObject("weight_map");
        for (String name : single.tensors().keySet()) {
            boolean early = name.startsWith("model.embed") || name.startsWith("model.layers.0.");
            (early ? first : second).addF32(name, single.floats(name), single.info(name).shape());
            weightMap.put(name, early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        first.write(dir.resolve("model-00001-of-00002.safetensors"));
        second.write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        Files.delete(dir.resolve("model.safetensors"));

        assertArrayEquals(LlamaForward.logits(model, TOKENS), LlamaForward.logits(ModelLoader.load(dir), TOKENS));

        weightMap.put("model.norm.weight", "../outside.safetensors");
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("not a file name inside the model directory"), e.getMessage());
    }

    @Test
    void shapeDisagreeingWithConfigIsNamed() throws IOException {
        Path dir = export(TinyModels.random(CONFIG, 5, false));
        editConfig(dir, c -> c.put("intermediate_size", 20));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [24, 16]"
                + " but config.json implies [20, 16]"), e.getMessage());
    }

    @Test
    void configDefaultsAndUnsupportedFields() throws IOException {
        Path dir = export(TinyModels.random(CONFIG, 5, false));
        editConfig(dir, c -> {
            c.remove("num_key_value_heads");
            c.remove("head_dim");
            c.remove("rope_theta");
        });
        // Without num_key_value_heads every head has its own KV head, so k_proj must be 16 x 16.
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("k_proj.weight' has shape [8, 16] but config.json implies [16, 16]"),
                e.getMessage());
        HfConfig parsed = HfConfig.read(dir);
        assertEquals(4, parsed.llama().headDim());
        assertEquals(10000f, parsed.llama().ropeTheta());

        editConfig(dir, c -> c.putObject("rope_scaling").put("rope_type", "llama3"));
        e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("rope_scaling"), e.getMessage());
        editConfig(dir, c -> c.put("model_type", "gpt2"));
        e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("model_type 'gpt2' is not supported"), e.getMessage());
    }

    @Test
    void pickleOnlyDirectoryIsRejected() throws IOException {
        Path dir = export(TinyModels.random(CONFIG, 5, false));
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir));
        assertTrue(e.getMessage().contains("can execute arbitrary code"), e.getMessage());
        assertTrue(e.getMessage().contains("save_pretrained('OUT_DIR', safe_serialization=True)"), e.getMessage());
    }

    @Test
    void sentencePieceTokenizerModelIsUsed() throws IOException {
        Path dir = export(TinyModels.random(CONFIG, 5, false));
        Files.copy(SharedData.data("tok512.model"), dir.resolve("tokenizer.model"));
        LlamaModel loaded = ModelLoader.load(dir);
        SentencePieceTokenizer t = assertInstanceOf(SentencePieceTokenizer.class, loaded.tokenizer());
        assertArrayEquals(new int[] {403, 407, 261, 378}, t.encode("Once upon a time"));
    }

    @Test
    void specialIdsFromGenerationConfig() throws IOException {
        Path dir = export(TinyModels.random(CONFIG, 5, false));
        Files.writeString(dir.resolve("generation_config.json"), "{\"bos_token_id\": 7, \"eos_token_id\": [9, 10]}");
        assertArrayEquals(new int[] {7, 9}, HfTokenizers.specialIds(dir, HfConfig.read(dir)));
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Path file = dir.resolve("config.json");
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        edit.accept(c);
        Files.writeString(file, c.toString());
    }
}
