package io.gptq4j.engine.quant;

/** Receives a call after each module is quantized, for progress bars and logs. */
@FunctionalInterface
public interface ModuleProgressListener {

    /**
     * @param result the finished module: layer, module, seconds and losses
     * @param index  1-based number of this module in the run
     * @param total  number of modules the run will quantize
     */
    void onModule(ModuleResult result, int index, int total);

    /** Returns a listener that does nothing. */
    static ModuleProgressListener none() {
        return (result, index, total) -> { };
    }
}
