package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import io.gptq4j.engine.model.RopeLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's tensors under Hugging Face names, in Hugging Face layout, whatever format the model
 * came from: q/k rows of an interleaved-RoPE model (GGUF, llama2.c) are permuted to the half-split
 * layout, so the exported directory computes the same logits under Transformers' {@code rotate_half}.
 */
public final class HfExport {
    private HfExport() {
    }

    /** A float32 tensor with its shape. */
    public record Tensor(long[] shape, float[] data) {
    }

    /**
     * Returns all tensors by Hugging Face name. {@code lm_head.weight} is left out when the
     * classifier shares the embedding array ({@link #tiedEmbeddings}).
     */
    public static Map<String, Tensor> tensors(LlamaModel model) {
        LlamaConfig c = model.config();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", new Tensor(new long[] {c.vocabSize(), c.dim()}, model.tokenEmbedding()));
        for (LlamaLayer layer : model.layers()) {
            String p = "model.layers." + layer.index() + ".";
            out.put(p + "input_layernorm.weight", new Tensor(new long[] {c.dim()}, layer.attnNorm()));
            for (ModuleName m : ModuleName.values()) {
                Linear linear = layer.module(m);
                String prefix = HfTensorNames.module(layer.index(), m);
                int[] rows = halfSplitRows(c, m);
                float[] w = rows == null ? linear.weight() : QkPermutation.gather(linear.weight(), rows, linear.inFeatures());
                out.put(prefix + ".weight", new Tensor(new long[] {linear.outFeatures(), linear.inFeatures()}, w));
                if (linear.bias() != null) {
                    float[] b = rows == null ? linear.bias() : QkPermutation.gather(linear.bias(), rows, 1);
                    out.put(prefix + ".bias", new Tensor(new long[] {linear.outFeatures()}, b));
                }
            }
            out.put(p + "post_attention_layernorm.weight", new Tensor(new long[] {c.dim()}, layer.ffnNorm()));
        }
        out.put("model.norm.weight", new Tensor(new long[] {c.dim()}, model.outputNorm()));
        if (!tiedEmbeddings(model)) {
            out.put("lm_head.weight", new Tensor(new long[] {c.vocabSize(), c.dim()}, model.output().weight()));
        }
        return out;
    }

    /**
     * For q/k of an interleaved-RoPE model, the source row of every half-split row; null when
     * the module's rows stay as they are.
     */
    public static int[] halfSplitRows(LlamaConfig c, ModuleName m) {
        if (c.ropeLayout() != RopeLayout.INTERLEAVED) {
            return null;
        }
        return switch (m) {
            case Q_PROJ -> QkPermutation.halfSplitSourceRows(c.nHeads(), c.headDim());
            case K_PROJ -> QkPermutation.halfSplitSourceRows(c.nKvHeads(), c.headDim());
            default -> null;
        };
    }

    /** Returns whether the classifier is the embedding itself (same array), as with {@code tie_word_embeddings}. */
    public static boolean tiedEmbeddings(LlamaModel model) {
        return model.output().weight() == model.tokenEmbedding();
    }

    /**
     * Returns {@code config.json} for the model: LLaMA, or Qwen2 when the q projection has a bias.
     *
     * @param torchDtype {@code float32} or {@code float16}
     */
    public static ObjectNode configJson(LlamaModel model, String torchDtype) {
        LlamaConfig c = model.config();
        boolean qwen2 = model.layers().get(0).module(ModuleName.Q_PROJ).bias() != null;
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.putArray("architectures").add(qwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        n.put("model_type", qwen2 ? "qwen2" : "llama");
        n.put("hidden_size", c.dim());
        n.put("intermediate_size", c.hiddenDim());
        n.put("num_hidden_layers", c.nLayers());
        n.put("num_attention_heads", c.nHeads());
        n.put("num_key_value_heads", c.nKvHeads());
        n.put("head_dim", c.headDim());
        n.put("hidden_act", "silu");
        // Float.toString keeps the shortest decimal (1e-5, not 9.99999974737875e-06).
        n.put("rms_norm_eps", Double.parseDouble(Float.toString(c.normEps())));
        n.put("rope_theta", Double.parseDouble(Float.toString(c.ropeTheta())));
        n.put("max_position_embeddings", c.contextLength());
        n.put("vocab_size", c.vocabSize());
        n.put("tie_word_embeddings", tiedEmbeddings(model));
        n.put("attention_bias", qwen2);
        if (model.tokenizer() != null) {
            n.put("bos_token_id", model.tokenizer().bosId());
            n.put("eos_token_id", model.tokenizer().eosId());
        }
        n.put("torch_dtype", torchDtype);
        return n;
    }
}
