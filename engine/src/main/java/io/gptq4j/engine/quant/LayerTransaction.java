package io.gptq4j.engine.quant;

import io.gptq4j.engine.model.Linear;
import io.gptq4j.engine.model.LlamaLayer;
import io.gptq4j.engine.model.ModuleName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The modules of one layer being quantized: keeps every module's original weight array so that
 * {@link #restore} can put them all back, and collects the results in processing order.
 */
final class LayerTransaction {
    private final LlamaLayer layer;
    private final Map<ModuleName, float[]> originals = new EnumMap<>(ModuleName.class);
    private final List<ModuleResult> results = new ArrayList<>();
    private final Map<ModuleName, QuantResult> quantized = new LinkedHashMap<>();

    LayerTransaction(LlamaLayer layer) {
        this.layer = layer;
        for (ModuleName module : ModuleName.values()) {
            originals.put(module, layer.module(module).weight());
        }
    }

    int layer() {
        return layer.index();
    }

    Linear linear(ModuleName module) {
        return layer.module(module);
    }

    /** Records a module's outcome and, unless it kept its weights, replaces its weight by Q. */
    void apply(ModuleName module, ModuleQuantizer.Outcome outcome) {
        if (outcome.quantized() != null) {
            layer.module(module).setWeight(outcome.quantized().weight());
            quantized.put(module, outcome.quantized());
        }
        results.add(outcome.result());
    }

    /** Puts every module's original weight array back. */
    void restore() {
        originals.forEach((module, weight) -> layer.module(module).setWeight(weight));
    }

    List<ModuleResult> results() {
        return List.copyOf(results);
    }

    Map<ModuleName, QuantResult> quantized() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(quantized));
    }
}
