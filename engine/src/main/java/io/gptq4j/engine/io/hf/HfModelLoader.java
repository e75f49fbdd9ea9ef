package io.gptq4j.engine.io.hf;

import io.gptq4j.engine.io.GgufLlamaLoader;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.io.gptq.GptqCheckpointConfig;
import io.gptq4j.engine.io.gptq.GptqModuleReader;
import io.gptq4j.engine.io.gptq.PackedLinear;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a Hugging Face LLaMA, Mistral or Qwen2 directory ({@code config.json} plus
 * {@code model.safetensors} or sharded safetensors) into float32, including GPTQ checkpoints,
 * whose packed modules are dequantized. q/k weights stay in Hugging Face's half-split RoPE layout.
 */
public final class HfModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(HfModelLoader.class);
    private static final Set<ModuleName> BIASED_IN_QWEN2 = Set.of(ModuleName.Q_PROJ, ModuleName.K_PROJ, ModuleName.V_PROJ);

    private HfModelLoader() {
    }

    /** Returns whether {@code dir} looks like a Hugging Face model directory. */
    public static boolean isHfDirectory(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("config.json"));
    }

    /** Loads the model and its tokenizer (null when the directory has none). */
    public static LlamaModel load(Path dir) throws IOException {
        rejectPickleOnly(dir);
        HfConfig config = HfConfig.read(dir);
        GptqCheckpointConfig gptq = GptqCheckpointConfig.read(dir, config.quantization());
        HfTensors tensors = HfTensors.open(dir);
        LlamaConfig c = config.llama();
        LOG.info("Loading {} model from {}: {} layers, dim {}{}", config.modelType(), dir, c.nLayers(), c.dim(),
                gptq == null ? "" : ", GPTQ " + gptq.bits() + "-bit " + gptq.format());

        float[] embedding = tensors.floats("model.embed_tokens.weight", c.vocabSize(), c.dim());
        List<LlamaLayer> layers = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            layers.add(loadLayer(tensors, config, gptq, l));
        }
        float[] norm = tensors.floats("model.norm.weight", c.dim());
        Linear output = loadOutput(tensors, config, embedding);
        Tokenizer tokenizer = HfTokenizers.load(dir, config);
        return new LlamaModel(c, embedding, layers, norm, output, tokenizer, dir);
    }

    private static Linear loadOutput(HfTensors tensors, HfConfig config, float[] embedding) throws IOException {
        LlamaConfig c = config.llama();
        if (!config.tieWordEmbeddings() && tensors.contains("lm_head.weight")) {
            return new Linear("lm_head", c.vocabSize(), c.dim(), tensors.floats("lm_head.weight", c.vocabSize(), c.dim()), null);
        }
        if (!config.tieWordEmbeddings()) {
            LOG.info("{} has no lm_head.weight; using the token embedding as the classifier", tensors.dir());
        }
        return new Linear("lm_head", c.vocabSize(), c.dim(), embedding, null);
    }

    private static LlamaLayer loadLayer(HfTensors tensors, HfConfig config, GptqCheckpointConfig gptq, int layer)
            throws IOException {
        LlamaConfig c = config.llama();
        String p = "model.layers." + layer + ".";
        Map<ModuleName, Linear> modules = new EnumMap<>(ModuleName.class);
        for (ModuleName m : ModuleName.values()) {
            int[] shape = GgufLlamaLoader.outIn(c, m);
            String prefix = HfTensorNames.module(layer, m);
            boolean needsBias = config.attentionBias() && BIASED_IN_QWEN2.contains(m);
            modules.put(m, loadLinear(tensors, prefix, shape[0], shape[1], needsBias, gptq));
        }
        float[] attnNorm = tensors.floats(p + "input_layernorm.weight", c.dim());
        float[] ffnNorm = tensors.floats(p + "post_attention_layernorm.weight", c.dim());
        return new LlamaLayer(layer, attnNorm, ffnNorm, modules);
    }

    private static Linear loadLinear(HfTensors tensors, String prefix, int rows, int cols, boolean needsBias,
                                     GptqCheckpointConfig gptq) throws IOException {
        if (GptqModuleReader.isQuantized(tensors, prefix)) {
            if (gptq == null) {
                throw new ModelFormatException(tensors.dir(), "tensor '" + prefix + ".qweight' is GPTQ-packed but neither"
                        + " quantize_config.json nor config.json quantization_config declares the bits and format");
            }
            PackedLinear packed = GptqModuleReader.read(tensors, prefix, rows, cols, gptq);
            return new Linear(prefix, rows, cols, packed.dequantize(), packed.bias());
        }
        float[] weight = tensors.floats(prefix + ".weight", rows, cols);
        String biasName = prefix + ".bias";
        if (needsBias && !tensors.contains(biasName)) {
            throw new ModelFormatException(tensors.dir(), "missing tensor '" + biasName + "'; this model type has q/k/v biases");
        }
        float[] bias = tensors.contains(biasName) ? tensors.floats(biasName, rows) : null;
        return new Linear(prefix, rows, cols, weight, bias);
    }

    private static void rejectPickleOnly(Path dir) {
        if (HfTensors.present(dir)) {
            return;
        }
        boolean pickle = Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                || Files.isRegularFile(dir.resolve("pytorch_model.bin.index.json"));
        if (pickle) {
            throw new ModelFormatException(dir, "this directory has only pytorch_model.bin, a Python pickle; gptq4j reads"
                    + " safetensors only, because loading a pickle can execute arbitrary code. Convert it once with"
                    + " Python: python -c \"from transformers import AutoModelForCausalLM;"
                    + " AutoModelForCausalLM.from_pretrained('" + dir + "').save_pretrained('OUT_DIR',"
                    + " safe_serialization=True)\"");
        }
    }
}
