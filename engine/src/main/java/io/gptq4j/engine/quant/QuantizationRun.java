package io.gptq4j.engine.quant;

import java.util.List;

/**
 * Result of {@link SequentialQuantizer#run}.
 *
 * @param modules    one result per quantized module, in processing order
 * @param nextInputs the inputs of the layer after the last quantized one, for resuming; null for RTN
 * @param seconds    wall time of the whole run
 */
public record QuantizationRun(List<ModuleResult> modules, LayerInputs nextInputs, double seconds) {

    public QuantizationRun {
        modules = List.copyOf(modules);
    }

    /** Σ loss_sum over the modules quantized with GPTQ. */
    public double totalLossSum() {
        return modules.stream().mapToDouble(ModuleResult::lossSum).filter(Double::isFinite).sum();
    }
}
