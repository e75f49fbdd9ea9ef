package io.gptq4j.engine.quant;

import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Thrown when the quantizing thread is interrupted. Every module of the interrupted layer has its
 * original weights back; the layers listed in {@link #completed()} stay quantized. The thread's
 * interrupt flag stays set.
 */
public final class QuantizationInterruptedException extends CancellationException {
    private static final long serialVersionUID = 1L;

    private final int layer;
    private final transient List<ModuleResult> completed;

    QuantizationInterruptedException(int layer, List<ModuleResult> completed) {
        super("quantization interrupted in layer " + layer + "; its modules have their original weights back, "
                + "layers before it stay quantized (" + completed.size() + " modules done)");
        this.layer = layer;
        this.completed = List.copyOf(completed);
    }

    /** The layer that was being quantized; it has its original weights. */
    public int layer() {
        return layer;
    }

    /** Results of the modules of the layers that finished before the interruption. */
    public List<ModuleResult> completed() {
        return completed;
    }
}
