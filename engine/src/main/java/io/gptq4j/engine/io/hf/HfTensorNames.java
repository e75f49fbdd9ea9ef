package io.gptq4j.engine.io.hf;

import io.gptq4j.engine.model.LlamaConfig;
import io.gptq4j.engine.model.ModuleName;

/** Hugging Face tensor names and shapes of a LLaMA-family decoder. */
public final class HfTensorNames {
    private HfTensorNames() {
    }

    /** Prefix of a layer's module, e.g. {@code model.layers.3.mlp.down_proj}. */
    public static String module(int layer, ModuleName m) {
        return "model.layers." + layer + "." + m.hfName();
    }

    /** (out_features, in_features) of a module under {@code config}. */
    public static int[] shape(LlamaConfig c, ModuleName m) {
        return switch (m) {
            case Q_PROJ -> new int[] {c.qDim(), c.dim()};
            case K_PROJ, V_PROJ -> new int[] {c.kvDim(), c.dim()};
            case O_PROJ -> new int[] {c.dim(), c.qDim()};
            case GATE_PROJ, UP_PROJ -> new int[] {c.hiddenDim(), c.dim()};
            case DOWN_PROJ -> new int[] {c.dim(), c.hiddenDim()};
        };
    }
}
