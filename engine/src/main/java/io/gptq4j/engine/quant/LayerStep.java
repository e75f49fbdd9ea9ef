package io.gptq4j.engine.quant;

import java.util.List;

/**
 * Result of quantizing one decoder layer.
 *
 * @param layer   the layer index
 * @param modules its module results in processing order
 * @param next    the quantized layer's outputs on every window: the inputs of layer + 1
 */
public record LayerStep(int layer, List<ModuleResult> modules, LayerInputs next) {

    public LayerStep {
        modules = List.copyOf(modules);
    }
}
