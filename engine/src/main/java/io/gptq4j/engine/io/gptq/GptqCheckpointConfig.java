package io.gptq4j.engine.io.gptq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.quant.QuantConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The quantization settings a GPTQ checkpoint declares, as AutoGPTQ and GPTQModel write them to
 * {@code quantize_config.json} and Transformers to {@code config.json["quantization_config"]}.
 *
 * @param bits           bits per code, 2..8
 * @param groupSize      input features per group, or -1 for one group per output row
 * @param descAct        act-order (columns processed by decreasing Hessian diagonal)
 * @param sym            symmetric grid
 * @param staticGroups   groups fixed before act-order permutes the columns
 * @param dampPercent    Hessian damping as a fraction of the mean diagonal
 * @param trueSequential quantize the layer's module subsets one after another
 * @param format         zero-point storage of {@code qzeros}
 */
public record GptqCheckpointConfig(int bits, int groupSize, boolean descAct, boolean sym, boolean staticGroups,
                                   double dampPercent, boolean trueSequential, CheckpointFormat format) {

    static final String FILE = "quantize_config.json";

    public GptqCheckpointConfig {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be between 2 and 8, got " + bits);
        }
        if (groupSize == 0 || groupSize < -1) {
            throw new IllegalArgumentException("group_size must be positive or -1, got " + groupSize);
        }
    }

    /**
     * Returns the checkpoint settings of a quantization run. {@code true_sequential} is recorded
     * as true because the engine's model loop quantizes the module subsets of a layer in order.
     */
    public static GptqCheckpointConfig of(QuantConfig config, CheckpointFormat format) {
        return new GptqCheckpointConfig(config.bits(), config.groupSize(), config.descAct(), config.sym(),
                config.staticGroups(), config.dampPercent(), true, format);
    }

    /** Number of groups for {@code cols} input features. */
    public int groupCount(int cols) {
        return groupSize == -1 ? 1 : (cols + groupSize - 1) / groupSize;
    }

    /**
     * Reads the settings of a checkpoint directory: {@code quantize_config.json} when present,
     * otherwise {@code quantizationConfig} (the {@code config.json} entry, may be null).
     *
     * @return null when the directory declares no GPTQ quantization
     */
    public static GptqCheckpointConfig read(Path dir, JsonNode quantizationConfig) throws IOException {
        Path file = dir.resolve(FILE);
        JsonNode node = quantizationConfig;
        Path source = dir.resolve("config.json");
        if (Files.isRegularFile(file)) {
            try {
                node = new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new ModelFormatException(file, "invalid JSON: " + e.getMessage(), e);
            }
            source = file;
        }
        if (node == null || node.isNull()) {
            return null;
        }
        String method = node.path("quant_method").asText("gptq");
        if (!method.equals("gptq")) {
            throw new ModelFormatException(source, "quant_method '" + method + "' is not supported; gptq4j reads"
                    + " GPTQ checkpoints only");
        }
        if (!node.hasNonNull("bits")) {
            throw new ModelFormatException(source, "quantization config has no 'bits'");
        }
        try {
            return new GptqCheckpointConfig(
                    node.path("bits").asInt(),
                    node.path("group_size").asInt(-1),
                    node.path("desc_act").asBoolean(false),
                    node.path("sym").asBoolean(true),
                    node.path("static_groups").asBoolean(false),
                    node.path("damp_percent").asDouble(0.01),
                    node.path("true_sequential").asBoolean(true),
                    CheckpointFormat.parse(node.hasNonNull("checkpoint_format")
                            ? node.get("checkpoint_format").asText() : null));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source, "invalid quantization config: " + e.getMessage(), e);
        }
    }

    /** Returns the settings as the JSON object written to both {@code quantize_config.json} and {@code config.json}. */
    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("bits", bits);
        n.put("group_size", groupSize);
        n.put("desc_act", descAct);
        n.put("sym", sym);
        n.put("static_groups", staticGroups);
        n.put("damp_percent", dampPercent);
        n.put("true_sequential", trueSequential);
        n.put("quant_method", "gptq");
        n.put("checkpoint_format", format.configName());
        return n;
    }
}
