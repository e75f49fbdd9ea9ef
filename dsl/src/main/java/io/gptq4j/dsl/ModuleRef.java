package io.gptq4j.dsl;

import io.gptq4j.engine.model.ModuleName;

/**
 * One Linear module of one decoder layer.
 *
 * @param layer  decoder layer index
 * @param module module within the layer
 */
public record ModuleRef(int layer, ModuleName module) {

    /** Returns the Hugging Face name, e.g. {@code model.layers.3.mlp.down_proj}. */
    public String fullName() {
        return "model.layers." + layer + "." + module.hfName();
    }

    @Override
    public String toString() {
        return fullName();
    }
}
