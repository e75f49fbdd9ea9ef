package io.gptq4j.engine.io;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import io.gptq4j.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a GGUF file of architecture {@code llama} to a {@link LlamaModel}. llama.cpp's converters
 * permute the q/k rows of Hugging Face checkpoints so that RoPE rotates adjacent pairs, hence
 * {@link RopeLayout#INTERLEAVED}.
 */
public final class GgufLlamaLoader {
    private static final Logger LOG = LoggerFactory.getLogger(GgufLlamaLoader.class);
    private static final String ARCH = "llama";

    private GgufLlamaLoader() {
    }

    /** Reads the {@code llama.*} hyperparameters; the vocabulary size comes from {@code token_embd.weight}. */
    public static LlamaConfig config(GgufFile gguf) {
        Path file = gguf.file();
        String arch = gguf.stringOrNull("general.architecture");
        if (!ARCH.equals(arch)) {
            throw new ModelFormatException(file, "architecture '" + arch + "' (general.architecture) is not supported; "
                    + "only 'llama' GGUF models can be loaded");
        }

        int dim = gguf.requireInt("llama.embedding_length");
        int nHeads = gguf.requireInt("llama.attention.head_count");
        int nKvHeads = gguf.intOr("llama.attention.head_count_kv", nHeads);
        int headDim = gguf.intOr("llama.attention.key_length", nHeads > 0 ? dim / nHeads : 0);
        int ropeDims = gguf.intOr("llama.rope.dimension_count", headDim);
        if (ropeDims != headDim) {
            throw new ModelFormatException(file, "llama.rope.dimension_count is " + ropeDims + " but the head size is "
                    + headDim + "; partial rotary embeddings are not supported");
        }
        if (gguf.hasKey("llama.rope.scaling.type") && !"none".equals(gguf.stringOrNull("llama.rope.scaling.type"))) {
            // NOTE: RoPE scaling only matters past the trained context; the forward pass ignores it.
            LOG.warn("{}: ignoring llama.rope.scaling.type = {}", file, gguf.stringOrNull("llama.rope.scaling.type"));
        }

        long[] embeddingDims = gguf.tensor("token_embd.weight").dims();
        if (embeddingDims.length != 2 || embeddingDims[1] > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, "tensor 'token_embd.weight' has dims " + Arrays.toString(embeddingDims)
                    + ", expected [embedding_length, vocab_size]");
        }

        try {
            return new LlamaConfig(
                    dim,
                    gguf.requireInt("llama.feed_forward_length"),
                    gguf.requireInt("llama.block_count"),
                    nHeads,
                    nKvHeads,
                    headDim,
                    (int) embeddingDims[1],
                    gguf.floatOr("llama.attention.layer_norm_rms_epsilon", 1e-5f),
                    gguf.floatOr("llama.rope.freq_base", 10000f),
                    RopeLayout.INTERLEAVED,
                    gguf.intOr("llama.context_length", 2048));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "invalid llama hyperparameters: " + e.getMessage(), e);
        }
    }

    /** Loads all weights as float32 and attaches {@code tokenizer} (may be null). */
    public static LlamaModel load(GgufFile gguf, Tokenizer tokenizer) throws IOException {
        LlamaConfig config = config(gguf);
        float[] embedding = read(gguf, "token_embd.weight", config.dim(), config.vocabSize());
        List<LlamaLayer> layers = new ArrayList<>();
        for (int l = 0; l < config.nLayers(); l++) {
            layers.add(layer(gguf, config, l));
        }
        float[] outputNorm = read(gguf, "output_norm.weight", config.dim());
        float[] classifier = gguf.hasTensor("output.weight")
                ? read(gguf, "output.weight", config.dim(), config.vocabSize())
                : embedding;
        Linear output = new Linear("lm_head", config.vocabSize(), config.dim(), classifier, null);
        return new LlamaModel(config, embedding, layers, outputNorm, output, tokenizer, gguf.file());
    }

    private static LlamaLayer layer(GgufFile gguf, LlamaConfig c, int l) throws IOException {
        String prefix = "blk." + l + ".";
        Map<ModuleName, Linear> modules = new EnumMap<>(ModuleName.class);
        for (ModuleName m : ModuleName.values()) {
            int[] shape = outIn(c, m);
            float[] w = read(gguf, prefix + m.ggufName() + ".weight", shape[1], shape[0]);
            modules.put(m, new Linear("model.layers." + l + "." + m.hfName(), shape[0], shape[1], w, null));
        }
        float[] attnNorm = read(gguf, prefix + "attn_norm.weight", c.dim());
        float[] ffnNorm = read(gguf, prefix + "ffn_norm.weight", c.dim());
        return new LlamaLayer(l, attnNorm, ffnNorm, modules);
    }

    /** Returns {out, in} of a module's weight for this config. */
    public static int[] outIn(LlamaConfig c, ModuleName m) {
        return switch (m) {
            case Q_PROJ -> new int[] {c.qDim(), c.dim()};
            case K_PROJ, V_PROJ -> new int[] {c.kvDim(), c.dim()};
            case O_PROJ -> new int[] {c.dim(), c.qDim()};
            case GATE_PROJ, UP_PROJ -> new int[] {c.hiddenDim(), c.dim()};
            case DOWN_PROJ -> new int[] {c.dim(), c.hiddenDim()};
        };
    }

    /** Reads a tensor after checking that its ggml dims (ne0 first) are {@code expected}. */
    private static float[] read(GgufFile gguf, String name, long... expected) throws IOException {
        GgufTensorInfo info = gguf.tensor(name);
        if (!Arrays.equals(info.dims(), expected)) {
            throw new ModelFormatException(gguf.file(), "tensor '" + name + "' has dims " + info.dimsText()
                    + " (ne0 first), but the llama.* metadata implies " + Arrays.toString(expected));
        }
        return gguf.floats(name);
    }
}
