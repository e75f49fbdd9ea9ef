package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.ModuleName;

/**
 * Receives each Linear module's input during {@link LlamaForward#layer}, just before the module
 * runs, for example to accumulate a GPTQ Hessian. Calls come in AutoGPTQ's true-sequential order:
 * k, v, q, o, up, gate, down.
 */
@FunctionalInterface
public interface ModuleInputListener {

    /**
     * @param layer  decoder layer index
     * @param module the module about to run
     * @param input  [tokens × inFeatures] row-major. k/v/q receive the same array, as do up/gate.
     *               The forward pass never writes to it afterwards, so it may be kept, but it must
     *               not be modified.
     * @param tokens number of rows
     */
    void onInput(int layer, ModuleName module, float[] input, int tokens);
}
