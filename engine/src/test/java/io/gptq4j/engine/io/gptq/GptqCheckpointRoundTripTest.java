package io.gptq4j.engine.io.gptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.SharedData;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.io.Half;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.SafeTensors;
import io.gptq4j.engine.io.hf.QkPermutation;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import io.gptq4j.engine.quant.QuantConfig;
import io.gptq4j.engine.quant.QuantResult;
import io.gptq4j.engine.quant.Rtn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stories260K (GGUF, interleaved RoPE) quantized with RTN, written as a GPTQ checkpoint and
 * loaded back: the loaded weights must equal fp16(scale) * (qint - zero) with q/k rows in
 * half-split order, and the logits must match a model built from those values directly.
 */
class GptqCheckpointRoundTripTest {

    @TempDir
    Path tmp;

    static LlamaModel gguf;

    @BeforeAll
    static void load() throws IOException {
        gguf = ModelLoader.load(SharedData.data("stories260K.gguf"));
    }

    private static Map<String, QuantResult> quantizeAll(QuantConfig config) {
        Map<String, QuantResult> out = new LinkedHashMap<>();
        for (LlamaLayer layer : gguf.layers()) {
            for (ModuleName m : ModuleName.values()) {
                Linear l = layer.module(m);
                out.put(l.name(), Rtn.quantize(l.weight(), l.outFeatures(), l.inFeatures(), config));
            }
        }
        return out;
    }

    /** fp16(scale) * (qint - zero), rows in the model's own (interleaved) order. */
    private static float[] expectedWeight(QuantResult r) {
        float[] w = new float[r.rows() * r.cols()];
        int groups = r.ngroups();
        for (int o = 0; o < r.rows(); o++) {
            for (int k = 0; k < r.cols(); k++) {
                int g = o * groups + r.gIdx()[k];
                float scale = Half.toFloat(Half.fromFloat(r.scale()[g]));
                w[o * r.cols() + k] = scale * (r.qint()[o * r.cols() + k] - (int) r.zero()[g]);
            }
        }
        return w;
    }

    private static float[] fp16(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Half.toFloat(Half.fromFloat(v[i]));
        }
        return out;
    }

    /** Returns the GGUF model with quantized modules dequantized and every other tensor rounded to fp16. */
    private static LlamaModel expectedModel(Map<String, QuantResult> modules) {
        List<LlamaLayer> layers = new ArrayList<>();
        for (LlamaLayer layer : gguf.layers()) {
            Map<ModuleName, Linear> linears = new EnumMap<>(ModuleName.class);
            for (ModuleName m : ModuleName.values()) {
                Linear l = layer.module(m);
                linears.put(m, new Linear(l.name(), l.outFeatures(), l.inFeatures(),
                        expectedWeight(modules.get(l.name())), null));
            }
            layers.add(new LlamaLayer(layer.index(), fp16(layer.attnNorm()), fp16(layer.ffnNorm()), linears));
        }
        var c = gguf.config();
        Linear output = new Linear("lm_head", c.vocabSize(), c.dim(), fp16(gguf.output().weight()), null);
        return new LlamaModel(c, fp16(gguf.tokenEmbedding()), layers, fp16(gguf.outputNorm()), output, null, null);
    }

    private void checkRoundTrip(QuantConfig config, CheckpointFormat format) throws IOException {
        Map<String, QuantResult> modules = quantizeAll(config);
        Path dir = tmp.resolve("ckpt-" + format);
        GptqCheckpointWriter.write(gguf, modules, config, dir, format);
        LlamaModel loaded = ModelLoader.load(dir);
        assertEquals(RopeLayout.HALF_SPLIT, loaded.config().ropeLayout());

        for (LlamaLayer layer : loaded.layers()) {
            for (ModuleName m : ModuleName.values()) {
                Linear l = layer.module(m);
                float[] expected = expectedWeight(modules.get(l.name()));
                if (m == ModuleName.Q_PROJ || m == ModuleName.K_PROJ) {
                    int heads = m == ModuleName.Q_PROJ ? 8 : 4;
                    expected = QkPermutation.toHalfSplit(expected, heads, 8, l.inFeatures());
                }
                assertArrayEquals(expected, l.weight(), l.name());
            }
        }
        int[] tokens = {1, 403, 407, 261, 378};
        float[] want = LlamaForward.logits(expectedModel(modules), tokens);
        float[] got = LlamaForward.logits(loaded, tokens);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4, "logit " + i);
        }
    }

    @Test
    void symmetric4BitV1RoundTrip() throws IOException {
        QuantConfig config = QuantConfig.bits(4).groupSize(32).build();
        checkRoundTrip(config, CheckpointFormat.GPTQ);

        Path dir = tmp.resolve("ckpt-gptq");
        JsonNode quantize = new ObjectMapper().readTree(dir.resolve("quantize_config.json").toFile());
        assertEquals(4, quantize.get("bits").asInt());
        assertEquals(32, quantize.get("group_size").asInt());
        assertEquals("gptq", quantize.get("checkpoint_format").asText());
        assertEquals("gptq", quantize.get("quant_method").asText());
        JsonNode configJson = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals(quantize, configJson.get("quantization_config"));
        assertEquals("float16", configJson.get("torch_dtype").asText());
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));

        SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"));
        // Symmetric 4-bit: every zero point is 8, stored as 7 in every nibble by the v1 format.
        int[] qzeros = st.ints("model.layers.0.self_attn.q_proj.qzeros");
        assertTrue(java.util.Arrays.stream(qzeros).allMatch(w -> w == 0x77777777));
        assertArrayEquals(new long[] {8, 64}, st.info("model.layers.0.self_attn.q_proj.qweight").shape());
        assertEquals(SafeTensors.DType.F16, st.info("model.embed_tokens.weight").dtype());
        assertFalse(st.contains("model.layers.0.self_attn.q_proj.weight"));
    }

    @Test
    void checkpointPerplexityMatchesInMemoryModel() throws IOException {
        QuantConfig config = QuantConfig.bits(4).groupSize(32).build();
        Map<String, QuantResult> modules = quantizeAll(config);
        Path dir = tmp.resolve("ckpt-ppl");
        GptqCheckpointWriter.write(gguf, modules, config, dir, CheckpointFormat.GPTQ_V2);

        // The quantized model as a session keeps it: float32 Q and float32 everything else. The
        // checkpoint stores scales and unquantized tensors in fp16, which perplexity must absorb.
        List<LlamaLayer> layers = new ArrayList<>();
        for (LlamaLayer layer : gguf.layers()) {
            Map<ModuleName, Linear> linears = new EnumMap<>(ModuleName.class);
            for (ModuleName m : ModuleName.values()) {
                Linear l = layer.module(m);
                linears.put(m, new Linear(l.name(), l.outFeatures(), l.inFeatures(),
                        modules.get(l.name()).weight(), null));
            }
            layers.add(new LlamaLayer(layer.index(), layer.attnNorm(), layer.ffnNorm(), linears));
        }
        LlamaModel inMemory = new LlamaModel(gguf.config(), gguf.tokenEmbedding(), layers, gguf.outputNorm(),
                gguf.output(), null, null);

        int[] tokens = SafeTensors.open(SharedData.fixture("forward/ppl_tinystories_eval.safetensors")).ints("tokens");
        int[] firstWindows = java.util.Arrays.copyOf(tokens, 16 * 512);
        double want = Perplexity.evaluate(inMemory, firstWindows, 512).perplexity();
        double got = Perplexity.evaluate(ModelLoader.load(dir), firstWindows, 512).perplexity();
        assertEquals(want, got, want * 1e-4, "perplexity of the reloaded checkpoint");
    }

    @Test
    void asymmetric3BitPerRowV2RoundTrip() throws IOException {
        checkRoundTrip(QuantConfig.bits(3).groupSize(-1).asym().build(), CheckpointFormat.GPTQ_V2);
    }

    @Test
    void failedExportLeavesNothingBehind() throws IOException {
        QuantConfig config = QuantConfig.bits(4).groupSize(32).asym().build();
        Map<String, QuantResult> modules = quantizeAll(config);
        // A zero point of 0 in the last module makes the v1 writer fail after config.json,
        // quantize_config.json and the tokenizer were already written to the temporary directory.
        QuantResult last = modules.get("model.layers.4.mlp.down_proj");
        last.zero()[0] = 0;
        Path dir = tmp.resolve("out");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GptqCheckpointWriter.write(gguf, modules, config, dir, CheckpointFormat.GPTQ));
        assertTrue(e.getMessage().contains("model.layers.4.mlp.down_proj"), e.getMessage());
        assertTrue(e.getMessage().contains("--format gptq_v2"), e.getMessage());
        assertFalse(Files.exists(dir));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "no temporary directory left");
        }
    }

    @Test
    void existingTargetIsNotReplaced() throws IOException {
        QuantConfig config = QuantConfig.bits(8).build();
        Path dir = tmp.resolve("taken");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("keep.txt"), "x");
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> GptqCheckpointWriter.write(gguf, quantizeAll(config), config, dir, CheckpointFormat.GPTQ_V2));
        assertEquals("x", Files.readString(dir.resolve("keep.txt")));
    }
}
