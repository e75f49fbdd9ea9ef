package io.gptq4j.engine.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The seven Linear modules of a LLaMA decoder layer, named as Hugging Face names them relative
 * to the layer, whatever format the model was loaded from.
 */
public enum ModuleName {
    Q_PROJ("self_attn.q_proj", "attn_q"),
    K_PROJ("self_attn.k_proj", "attn_k"),
    V_PROJ("self_attn.v_proj", "attn_v"),
    O_PROJ("self_attn.o_proj", "attn_output"),
    GATE_PROJ("mlp.gate_proj", "ffn_gate"),
    UP_PROJ("mlp.up_proj", "ffn_up"),
    DOWN_PROJ("mlp.down_proj", "ffn_down");

    private final String hfName;
    private final String ggufName;

    ModuleName(String hfName, String ggufName) {
        this.hfName = hfName;
        this.ggufName = ggufName;
    }

    /** Hugging Face name relative to the layer, e.g. {@code self_attn.q_proj}. */
    public String hfName() {
        return hfName;
    }

    /** GGUF tensor stem, e.g. {@code attn_q} in {@code blk.0.attn_q.weight}. */
    public String ggufName() {
        return ggufName;
    }

    /**
     * Finds a module by its Hugging Face name ({@code mlp.down_proj}) or short name ({@code down_proj}).
     *
     * @throws IllegalArgumentException naming the valid choices when nothing matches
     */
    public static ModuleName parse(String name) {
        for (ModuleName m : values()) {
            if (m.hfName.equals(name) || m.hfName.endsWith("." + name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown module '" + name + "'; valid modules: "
                + Arrays.stream(values()).map(ModuleName::hfName).collect(Collectors.joining(", ")));
    }

    /**
     * AutoGPTQ's true-sequential order for LLaMA: each inner list is quantized after the
     * previous ones, with its Hessians collected from a forward pass that already uses the
     * quantized weights of the earlier lists.
     */
    public static List<List<ModuleName>> trueSequentialOrder() {
        return List.of(
                List.of(K_PROJ, V_PROJ, Q_PROJ),
                List.of(O_PROJ),
                List.of(UP_PROJ, GATE_PROJ),
                List.of(DOWN_PROJ));
    }

    @Override
    public String toString() {
        return hfName;
    }
}
