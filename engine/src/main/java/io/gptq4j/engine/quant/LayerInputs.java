package io.gptq4j.engine.quant;

import java.util.Objects;

/**
 * The hidden states entering one decoder layer, one [seqlen × dim] row-major matrix per
 * calibration window. A {@link SequentialQuantizer} produces them, and a caller may keep an
 * instance and pass it back later to resume at that layer without recomputing the layers before
 * it. The inputs stay valid only while the layers before {@code layer} keep their weights.
 *
 * <p>Memory: nsamples · seqlen · dim floats (32 · 256 · 64 floats = 2 MiB for stories260K).
 */
public final class LayerInputs {
    private final int layer;
    private final int seqlen;
    private final int dim;
    private final float[][] hidden;

    LayerInputs(int layer, int seqlen, int dim, float[][] hidden) {
        this.layer = layer;
        this.seqlen = seqlen;
        this.dim = dim;
        this.hidden = Objects.requireNonNull(hidden, "hidden");
        for (int s = 0; s < hidden.length; s++) {
            if (hidden[s].length != seqlen * dim) {
                throw new IllegalArgumentException("layer " + layer + " input of window " + s + " has "
                        + hidden[s].length + " elements, expected " + seqlen + " x " + dim);
            }
        }
    }

    /** Index of the decoder layer these are the inputs of. */
    public int layer() {
        return layer;
    }

    public int nsamples() {
        return hidden.length;
    }

    public int seqlen() {
        return seqlen;
    }

    public int dim() {
        return dim;
    }

    /** Window s as [seqlen × dim] row-major; shared, not copied, so callers must not modify it. */
    float[] window(int s) {
        return hidden[s];
    }

    /** Returns a copy of window s as [seqlen × dim] row-major. */
    public float[] copyOfWindow(int s) {
        return hidden[s].clone();
    }
}
