package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;

/**
 * One decoder layer on one window, evaluated stage by stage: each stage ends at the input of a
 * group of modules that read the same matrix (k/v/q, o, up/gate, down), in AutoGPTQ's
 * true-sequential order. A stage reads the weights as they are when it is called, so a caller can
 * quantize the modules of one stage before asking for the next, and get the same activations as a
 * full {@link LlamaForward#layer} pass with those weights, without recomputing the earlier stages.
 * The operations and their order are those of {@code LlamaForward.layer}, so the results are
 * bit-identical to it.
 *
 * <p>Each stage keeps only what the later stages need: after {@link #mlpInput()} the attention
 * intermediates are released. Stages must be called in order; each may be called once.
 */
public final class LayerStages {
    private final LlamaModel model;
    private final LlamaLayer layer;
    private final int tokens;
    private float[] x;
    private float[] h;
    private float[] attentionInput;
    private float[] attention;
    private float[] mlpInput;
    private float[] downInput;
    private int next;

    /**
     * Starts layer {@code layer} on x [tokens × dim] at positions 0..tokens-1; x is not modified
     * and must not be modified until {@link #attentionOutput()} has run.
     */
    public LayerStages(LlamaModel model, int layer, float[] x, int tokens) {
        LlamaConfig config = model.config();
        if (layer < 0 || layer >= config.nLayers()) {
            throw new IllegalArgumentException("layer " + layer + " does not exist; the model has "
                    + config.nLayers() + " layers");
        }
        if (tokens <= 0 || x.length != (long) tokens * config.dim()) {
            throw new IllegalArgumentException("layer " + layer + " input has " + x.length + " elements, expected "
                    + tokens + " x " + config.dim());
        }
        this.model = model;
        this.layer = model.layers().get(layer);
        this.x = x;
        this.tokens = tokens;
    }

    /** Returns the input of k_proj, v_proj and q_proj: rmsnorm(x)·attn_norm, [tokens × dim]. */
    public float[] attentionInput() {
        advance(0);
        LlamaConfig config = model.config();
        attentionInput = Ops.rmsNorm(x, tokens, config.dim(), layer.attnNorm(), config.normEps());
        return attentionInput;
    }

    /** Returns the input of o_proj: the concatenated head outputs with the current q/k/v weights. */
    public float[] attentionOutput() {
        advance(1);
        LlamaConfig config = model.config();
        float[] k = LlamaForward.linear(layer.module(ModuleName.K_PROJ), attentionInput, tokens);
        float[] v = LlamaForward.linear(layer.module(ModuleName.V_PROJ), attentionInput, tokens);
        float[] q = LlamaForward.linear(layer.module(ModuleName.Q_PROJ), attentionInput, tokens);
        Rope rope = Rope.table(tokens, config.headDim(), config.ropeTheta());
        rope.apply(q, tokens, config.nHeads(), config.ropeLayout());
        rope.apply(k, tokens, config.nKvHeads(), config.ropeLayout());
        attention = Attention.causal(config, q, k, v, tokens);
        attentionInput = null;
        return attention;
    }

    /** Returns the input of up_proj and gate_proj: rmsnorm(x + o_proj(attention))·ffn_norm. */
    public float[] mlpInput() {
        advance(2);
        LlamaConfig config = model.config();
        h = LlamaForward.linear(layer.module(ModuleName.O_PROJ), attention, tokens);
        Ops.addInPlace(h, x);
        x = null;
        attention = null;
        mlpInput = Ops.rmsNorm(h, tokens, config.dim(), layer.ffnNorm(), config.normEps());
        return mlpInput;
    }

    /** Returns the input of down_proj: silu(gate_proj(f))·up_proj(f), [tokens × hiddenDim]. */
    public float[] downInput() {
        advance(3);
        float[] up = LlamaForward.linear(layer.module(ModuleName.UP_PROJ), mlpInput, tokens);
        float[] gate = LlamaForward.linear(layer.module(ModuleName.GATE_PROJ), mlpInput, tokens);
        Ops.siluMultiplyInPlace(gate, up);
        mlpInput = null;
        downInput = gate;
        return downInput;
    }

    /** Returns the layer output, h + down_proj(downInput), [tokens × dim]. */
    public float[] output() {
        advance(4);
        float[] out = LlamaForward.linear(layer.module(ModuleName.DOWN_PROJ), downInput, tokens);
        Ops.addInPlace(out, h);
        h = null;
        downInput = null;
        return out;
    }

    private void advance(int stage) {
        if (stage != next) {
            throw new IllegalStateException("layer " + layer.index() + ": stage " + stage
                    + " called out of order; the next stage is " + next);
        }
        next++;
    }
}
