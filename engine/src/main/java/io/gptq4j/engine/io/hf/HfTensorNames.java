package io.gptq4j.engine.io.hf;

import io.gptq4j.engine.model.ModuleName;

/** Hugging Face tensor names and shapes of a LLaMA-family decoder. */
public final class HfTensorNames {
    private HfTensorNames() {
    }

    /** Prefix of a layer's module, e.g. {@code model.layers.3.mlp.down_proj}. */
    public static String module(int layer, ModuleName m) {
        return "model.layers." + layer + "." + m.hfName();
    }
}
