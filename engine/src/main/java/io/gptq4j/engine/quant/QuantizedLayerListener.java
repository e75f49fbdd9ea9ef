package io.gptq4j.engine.quant;

import io.gptq4j.engine.model.ModuleName;
import java.util.List;
import java.util.Map;

/**
 * Receives the quantized tensors of a layer once all its modules are quantized and its weights are
 * committed; a layer that is interrupted or fails is never reported.
 */
@FunctionalInterface
public interface QuantizedLayerListener {

    /**
     * @param layer   decoder layer index
     * @param modules the layer's module results in processing order
     * @param results codes, scales, zeros and g_idx of each quantized module
     */
    void onLayerQuantized(int layer, List<ModuleResult> modules, Map<ModuleName, QuantResult> results);
}
