package io.gptq4j.engine.quant;

import io.gptq4j.engine.model.ModuleName;
import java.util.Objects;

/**
 * Chooses the quantization configuration of each module of a model run: per-module overrides and
 * skips, as GPTQModel's {@code dynamic} rules express them.
 */
@FunctionalInterface
public interface ModuleConfigs {

    /**
     * Returns the configuration for one module, or null to leave the module unquantized.
     *
     * @param layer  decoder layer index
     * @param module module name relative to the layer
     */
    QuantConfig configFor(int layer, ModuleName module);

    /** Returns rules that give every module the same configuration. */
    static ModuleConfigs uniform(QuantConfig config) {
        Objects.requireNonNull(config, "config");
        return (layer, module) -> config;
    }
}
