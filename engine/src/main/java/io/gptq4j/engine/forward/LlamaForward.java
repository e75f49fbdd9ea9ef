package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;

/**
 * Float32 forward pass of a LLaMA-family decoder over one window of tokens at positions
 * 0..tokens-1. Activations are [tokens × width] row-major matrices, and every Linear is one matrix
 * product {@code X · Wᵀ} over the whole window. Weights are read through {@link Linear#weight()}
 * on every call, so a module quantized in between is picked up.
 *
 * <p>Per layer: {@code a = rmsnorm(x)·attn_norm}, q/k/v projections, RoPE on q and k in the
 * model's {@link io.gptq4j.engine.model.RopeLayout}, causal grouped-query attention,
 * {@code x += o_proj(attention)}, {@code f = rmsnorm(x)·ffn_norm},
 * {@code x += down_proj(silu(gate_proj(f)) · up_proj(f))}.
 */
public final class LlamaForward {
    private LlamaForward() {
    }

    /** Returns the token embeddings, [tokens.length × dim]. */
    public static float[] embed(LlamaModel model, int[] tokens) {
        LlamaConfig config = model.config();
        checkTokens(config, tokens);
        int dim = config.dim();
        float[] x = new float[tokens.length * dim];
        for (int t = 0; t < tokens.length; t++) {
            System.arraycopy(model.tokenEmbedding(), tokens[t] * dim, x, t * dim, dim);
        }
        return x;
    }

    /**
     * Runs decoder layer {@code layer} on x [tokens × dim] at positions 0..tokens-1 and returns
     * the layer output as a new array; x is not modified.
     *
     * @param listener receives each module's input before the module runs; may be null
     */
    public static float[] layer(LlamaModel model, int layer, float[] x, int tokens, ModuleInputListener listener) {
        LlamaConfig config = model.config();
        Rope rope = Rope.table(tokens, config.headDim(), config.ropeTheta());
        return layer(model, layer, x, tokens, rope, listener);
    }

    /** Returns the last layer's output [tokens.length × dim], before the final norm. */
    public static float[] hidden(LlamaModel model, int[] tokens) {
        LlamaConfig config = model.config();
        Rope rope = Rope.table(tokens.length, config.headDim(), config.ropeTheta());
        float[] x = embed(model, tokens);
        for (int l = 0; l < config.nLayers(); l++) {
            x = layer(model, l, x, tokens.length, rope, null);
        }
        return x;
    }

    /** Applies the final RMSNorm and the output head to hidden [tokens × dim]; returns [tokens × vocabSize]. */
    public static float[] logits(LlamaModel model, float[] hidden, int tokens) {
        LlamaConfig config = model.config();
        checkActivations(config, hidden, tokens, "hidden");
        float[] normed = Ops.rmsNorm(hidden, tokens, config.dim(), model.outputNorm(), config.normEps());
        return linear(model.output(), normed, tokens);
    }

    /** Returns the logits [tokens.length × vocabSize] of every position of one window. */
    public static float[] logits(LlamaModel model, int[] tokens) {
        return logits(model, hidden(model, tokens), tokens.length);
    }

    /**
     * Returns whether every product of a window of {@code tokens} runs on the calling thread, so
     * a caller with many windows gains by running windows in parallel.
     */
    public static boolean runsSingleThreaded(LlamaConfig config, int tokens) {
        long widest = Math.max(Math.max(config.hiddenDim(), config.vocabSize()), Math.max(config.dim(), config.qDim()));
        return (long) tokens * config.dim() * widest < Matmul.BLAS_THRESHOLD
                && (long) tokens * config.hiddenDim() * config.dim() < Matmul.BLAS_THRESHOLD;
    }

    private static float[] layer(LlamaModel model, int layerIndex, float[] x, int tokens, Rope rope,
                                 ModuleInputListener listener) {
        LlamaConfig config = model.config();
        if (layerIndex < 0 || layerIndex >= config.nLayers()) {
            throw new IllegalArgumentException("layer " + layerIndex + " does not exist; the model has "
                    + config.nLayers() + " layers");
        }
        checkActivations(config, x, tokens, "layer " + layerIndex + " input");
        LlamaLayer layer = model.layers().get(layerIndex);
        int dim = config.dim();

        float[] attnIn = Ops.rmsNorm(x, tokens, dim, layer.attnNorm(), config.normEps());
        notify(listener, layerIndex, ModuleName.K_PROJ, attnIn, tokens);
        notify(listener, layerIndex, ModuleName.V_PROJ, attnIn, tokens);
        notify(listener, layerIndex, ModuleName.Q_PROJ, attnIn, tokens);
        float[] k = linear(layer.module(ModuleName.K_PROJ), attnIn, tokens);
        float[] v = linear(layer.module(ModuleName.V_PROJ), attnIn, tokens);
        float[] q = linear(layer.module(ModuleName.Q_PROJ), attnIn, tokens);
        rope.apply(q, tokens, config.nHeads(), config.ropeLayout());
        rope.apply(k, tokens, config.nKvHeads(), config.ropeLayout());

        float[] attention = Attention.causal(config, q, k, v, tokens);
        notify(listener, layerIndex, ModuleName.O_PROJ, attention, tokens);
        float[] h = linear(layer.module(ModuleName.O_PROJ), attention, tokens);
        Ops.addInPlace(h, x);

        float[] ffnIn = Ops.rmsNorm(h, tokens, dim, layer.ffnNorm(), config.normEps());
        notify(listener, layerIndex, ModuleName.UP_PROJ, ffnIn, tokens);
        notify(listener, layerIndex, ModuleName.GATE_PROJ, ffnIn, tokens);
        float[] up = linear(layer.module(ModuleName.UP_PROJ), ffnIn, tokens);
        float[] gate = linear(layer.module(ModuleName.GATE_PROJ), ffnIn, tokens);
        Ops.siluMultiplyInPlace(gate, up);
        notify(listener, layerIndex, ModuleName.DOWN_PROJ, gate, tokens);
        float[] out = linear(layer.module(ModuleName.DOWN_PROJ), gate, tokens);
        Ops.addInPlace(out, h);
        return out;
    }

    /** Returns {@code x · Wᵀ + b} for x [tokens × inFeatures]. */
    static float[] linear(Linear linear, float[] x, int tokens) {
        int in = linear.inFeatures();
        int out = linear.outFeatures();
        if (x.length != tokens * in) {
            throw new IllegalArgumentException(linear.name() + ": input has " + x.length
                    + " elements, expected " + tokens + " x " + in);
        }
        float[] y = new float[tokens * out];
        Matmul.multiplyTransposed(x, tokens, in, linear.weight(), out, y);
        float[] bias = linear.bias();
        if (bias != null) {
            for (int t = 0; t < tokens; t++) {
                int row = t * out;
                for (int j = 0; j < out; j++) {
                    y[row + j] += bias[j];
                }
            }
        }
        return y;
    }

    private static void notify(ModuleInputListener listener, int layer, ModuleName module, float[] input, int tokens) {
        if (listener != null) {
            listener.onInput(layer, module, input, tokens);
        }
    }

    private static void checkTokens(LlamaConfig config, int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[t] + " at position " + t
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
    }

    private static void checkActivations(LlamaConfig config, float[] x, int tokens, String what) {
        if (tokens <= 0) {
            throw new IllegalArgumentException(what + ": token count must be positive, got " + tokens);
        }
        if (x.length != (long) tokens * config.dim()) {
            throw new IllegalArgumentException(what + " has " + x.length + " elements, expected "
                    + tokens + " x " + config.dim());
        }
    }
}
