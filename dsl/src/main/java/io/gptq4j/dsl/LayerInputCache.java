package io.gptq4j.dsl;

import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.model.LlamaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of every decoder layer for every calibration window, computed as AutoGPTQ's layer
 * loop does: layer 0 gets the token embeddings, layer L+1 gets layer L (with its weights as they
 * are now) applied to layer L's inputs. Each layer's inputs are computed once and kept until a
 * layer before it changes, so quantizing layers one step at a time replays exactly the
 * computation of one step over all of them.
 */
final class LayerInputCache {
    private final LlamaModel model;
    private final int[][] windows;
    /** inputs.get(L)[s]: layer L's input for window s, [seqLen x dim]; only entries 0..size-1 are valid. */
    private final List<float[][]> inputs = new ArrayList<>();

    LayerInputCache(LlamaModel model, int[][] windows) {
        this.model = model;
        this.windows = windows;
    }

    /** Returns layer {@code layer}'s inputs per window, replaying earlier layers as needed. */
    float[][] inputsOf(int layer) {
        if (inputs.isEmpty()) {
            float[][] embedded = new float[windows.length][];
            for (int s = 0; s < windows.length; s++) {
                embedded[s] = LlamaForward.embed(model, windows[s]);
            }
            inputs.add(embedded);
        }
        while (inputs.size() <= layer) {
            int from = inputs.size() - 1;
            float[][] previous = inputs.get(from);
            float[][] next = new float[windows.length][];
            for (int s = 0; s < windows.length; s++) {
                Interrupts.check("replaying layer " + from);
                next[s] = LlamaForward.layer(model, from, previous[s], windows[s].length, null);
            }
            inputs.add(next);
        }
        return inputs.get(layer);
    }

    /** Forgets the inputs of the layers after {@code layer}, whose weights feed them. */
    void invalidateAfter(int layer) {
        while (inputs.size() > layer + 1) {
            inputs.remove(inputs.size() - 1);
        }
    }

    int[][] windows() {
        return windows;
    }
}
