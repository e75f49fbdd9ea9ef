package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.RopeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The parts of a Hugging Face {@code config.json} that a LLaMA-family decoder needs. Mistral and
 * Qwen2 share LLaMA's tensor layout; Qwen2 adds biases to the q/k/v projections.
 *
 * @param modelType        {@code model_type}: llama, mistral or qwen2
 * @param llama            hyperparameters, with {@link RopeLayout#HALF_SPLIT} as HF checkpoints store q/k
 * @param tieWordEmbeddings whether lm_head shares the embedding
 * @param attentionBias    whether q/k/v projections carry a bias
 * @param bosId            {@code bos_token_id}, or -1
 * @param eosId            first {@code eos_token_id}, or -1
 * @param quantization     {@code quantization_config} node, or null
 */
public record HfConfig(String modelType, LlamaConfig llama, boolean tieWordEmbeddings, boolean attentionBias,
                       int bosId, int eosId, JsonNode quantization) {

    static final Set<String> MODEL_TYPES = Set.of("llama", "mistral", "qwen2");
    private static final String SUPPORTED = "llama, mistral and qwen2";

    /** Reads and validates {@code dir/config.json}. */
    public static HfConfig read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(dir, "no config.json; a Hugging Face model directory needs config.json"
                    + " next to model.safetensors");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, "invalid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, "config.json is not a JSON object");
        }
        return parse(file, root);
    }

    static HfConfig parse(Path file, JsonNode root) {
        String modelType = root.path("model_type").asText("");
        if (modelType.isEmpty()) {
            throw new ModelFormatException(file, "missing model_type; gptq4j loads Hugging Face "
                    + SUPPORTED + " directories");
        }
        if (!MODEL_TYPES.contains(modelType)) {
            throw new ModelFormatException(file, "model_type '" + modelType + "' is not supported; gptq4j loads"
                    + " Hugging Face " + SUPPORTED + " directories");
        }
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(file, "hidden_act '" + act + "' is not supported; only silu (SwiGLU) is");
        }
        JsonNode ropeScaling = root.get("rope_scaling");
        if (ropeScaling != null && !ropeScaling.isNull()) {
            throw new ModelFormatException(file, "rope_scaling " + ropeScaling + " is not supported; gptq4j implements"
                    + " plain RoPE only, so this model's logits would be wrong");
        }
        int hidden = requiredInt(file, root, "hidden_size");
        int heads = requiredInt(file, root, "num_attention_heads");
        int kvHeads = optionalInt(file, root, "num_key_value_heads", heads);
        if (hidden % heads != 0 && !root.hasNonNull("head_dim")) {
            throw new ModelFormatException(file, "hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads + " and head_dim is not given");
        }
        int headDim = optionalInt(file, root, "head_dim", hidden / heads);
        LlamaConfig llama;
        try {
            llama = new LlamaConfig(hidden,
                    requiredInt(file, root, "intermediate_size"),
                    requiredInt(file, root, "num_hidden_layers"),
                    heads, kvHeads, headDim,
                    requiredInt(file, root, "vocab_size"),
                    (float) optionalDouble(file, root, "rms_norm_eps", 1e-6),
                    (float) optionalDouble(file, root, "rope_theta", 10000.0),
                    RopeLayout.HALF_SPLIT,
                    optionalInt(file, root, "max_position_embeddings", 2048));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "invalid model configuration: " + e.getMessage(), e);
        }
        boolean bias = root.path("attention_bias").asBoolean(modelType.equals("qwen2"));
        boolean tied = root.path("tie_word_embeddings").asBoolean(false);
        JsonNode q = root.get("quantization_config");
        return new HfConfig(modelType, llama, tied, bias, tokenId(root.get("bos_token_id")),
                tokenId(root.get("eos_token_id")), q == null || q.isNull() ? null : q);
    }

    /** Reads a token id that may be a number, a list of numbers (first wins) or absent (-1). */
    static int tokenId(JsonNode node) {
        if (node == null || node.isNull()) {
            return -1;
        }
        if (node.isArray()) {
            return node.size() == 0 ? -1 : tokenId(node.get(0));
        }
        return node.canConvertToInt() ? node.asInt() : -1;
    }

    private static int requiredInt(Path file, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw new ModelFormatException(file, "missing required field '" + key + "'");
        }
        return checkedInt(file, key, n);
    }

    private static int optionalInt(Path file, JsonNode root, String key, int fallback) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? fallback : checkedInt(file, key, n);
    }

    private static int checkedInt(Path file, String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new ModelFormatException(file, "field '" + key + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    private static double optionalDouble(Path file, JsonNode root, String key, double fallback) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || !(n.asDouble() > 0)) {
            throw new ModelFormatException(file, "field '" + key + "' must be a positive number, got " + n);
        }
        return n.asDouble();
    }
}
