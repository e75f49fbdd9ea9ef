package io.gptq4j.engine.model;

import io.gptq4j.engine.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A loaded LLaMA-family model in float32: configuration, weights and the model's own tokenizer.
 *
 * @param config         hyperparameters
 * @param tokenEmbedding (vocabSize, dim) row-major
 * @param layers         decoder layers in order
 * @param outputNorm     final RMSNorm gain, length dim
 * @param output         classifier (lm_head), (vocabSize, dim); may share its array with the embedding
 * @param tokenizer      the tokenizer that came with the checkpoint, or null when it has none
 * @param source         file or directory the model was loaded from
 */
public record LlamaModel(
        LlamaConfig config,
        float[] tokenEmbedding,
        List<LlamaLayer> layers,
        float[] outputNorm,
        Linear output,
        Tokenizer tokenizer,
        Path source) {

    public LlamaModel {
        Objects.requireNonNull(config, "config");
        layers = List.copyOf(layers);
        if (layers.size() != config.nLayers()) {
            throw new IllegalArgumentException("config declares " + config.nLayers() + " layers, got " + layers.size());
        }
        if ((long) config.vocabSize() * config.dim() != tokenEmbedding.length) {
            throw new IllegalArgumentException("token embedding has " + tokenEmbedding.length
                    + " elements, expected " + config.vocabSize() + " x " + config.dim());
        }
    }

    /** Returns a copy of this model that uses another tokenizer. */
    public LlamaModel withTokenizer(Tokenizer other) {
        return new LlamaModel(config, tokenEmbedding, layers, outputNorm, output, other, source);
    }
}
