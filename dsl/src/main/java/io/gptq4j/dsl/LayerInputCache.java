package io.gptq4j.dsl;

import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.quant.CalibrationWindows;
import io.gptq4j.engine.quant.LayerInputs;
import io.gptq4j.engine.quant.QuantConfig;
import io.gptq4j.engine.quant.SequentialOptions;
import io.gptq4j.engine.quant.SequentialQuantizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of every decoder layer for every calibration window, computed as AutoGPTQ's layer
 * loop does: layer 0 gets the token embeddings, layer L+1 gets layer L (with its weights as they
 * are now) applied to layer L's inputs. Each layer's inputs are kept until a layer before it
 * changes, and a quantize step stores the replayed outputs it produced, so quantizing layers one
 * step at a time runs exactly the computation of one step over all of them.
 */
final class LayerInputCache {
    private final SequentialQuantizer forward;
    private final CalibrationWindows windows;
    /** inputs.get(L): layer L's inputs; only entries 0..size-1 are valid. */
    private final List<LayerInputs> inputs = new ArrayList<>();

    LayerInputCache(LlamaModel model, int[][] windows) {
        // Only embed and forwardLayer are used, which ignore the configuration.
        this.forward = new SequentialQuantizer(model, SequentialOptions.of(QuantConfig.bits(4).build()));
        this.windows = CalibrationWindows.of(windows);
    }

    /** Returns layer {@code layer}'s inputs, replaying earlier layers as needed. */
    LayerInputs inputsOf(int layer) {
        if (inputs.isEmpty()) {
            inputs.add(forward.embed(windows));
        }
        while (inputs.size() <= layer) {
            Interrupts.check("replaying layer " + (inputs.size() - 1));
            inputs.add(forward.forwardLayer(inputs.get(inputs.size() - 1)));
        }
        return inputs.get(layer);
    }

    /** Stores the inputs a quantize step produced for layer {@code next.layer()}, dropping later ones. */
    void store(LayerInputs next) {
        invalidateAfter(next.layer() - 1);
        if (inputs.size() == next.layer()) {
            inputs.add(next);
        }
    }

    /** Drops the inputs of the layers after {@code layer}, whose weights feed them. */
    void invalidateAfter(int layer) {
        while (inputs.size() > layer + 1) {
            inputs.remove(inputs.size() - 1);
        }
    }

    int[][] windows() {
        return windows.windows();
    }
}
