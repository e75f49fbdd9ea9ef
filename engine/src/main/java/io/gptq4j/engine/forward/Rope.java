package io.gptq4j.engine.forward;

import io.gptq4j.engine.model.RopeLayout;

/**
 * Rotary position embedding tables for positions 0..positions-1. Pair i of a head rotates by
 * {@code angle = pos · theta^(-2i/headDim)}; cos and sin are computed in double and rounded to
 * float, and the rotation itself runs in float.
 */
final class Rope {
    private final int positions;
    private final int halfDim;
    private final float[] cos;
    private final float[] sin;

    private Rope(int positions, int halfDim, float[] cos, float[] sin) {
        this.positions = positions;
        this.halfDim = halfDim;
        this.cos = cos;
        this.sin = sin;
    }

    static Rope table(int positions, int headDim, double theta) {
        int halfDim = headDim / 2;
        float[] cos = new float[positions * halfDim];
        float[] sin = new float[positions * halfDim];
        for (int i = 0; i < halfDim; i++) {
            double frequency = Math.pow(theta, -2.0 * i / headDim);
            for (int pos = 0; pos < positions; pos++) {
                double angle = pos * frequency;
                cos[pos * halfDim + i] = (float) Math.cos(angle);
                sin[pos * halfDim + i] = (float) Math.sin(angle);
            }
        }
        return new Rope(positions, halfDim, cos, sin);
    }

    int positions() {
        return positions;
    }

    /**
     * Rotates, in place, every head of a [tokens × (heads·headDim)] matrix whose row t sits at
     * position t.
     */
    void apply(float[] m, int tokens, int heads, RopeLayout layout) {
        if (tokens > positions) {
            throw new IllegalArgumentException("RoPE table covers " + positions + " positions, got " + tokens);
        }
        int headDim = 2 * halfDim;
        int width = heads * headDim;
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                rotateHead(m, t * width + h * headDim, t, layout);
            }
        }
    }

    /** Rotates one head vector that starts at {@code offset} and sits at position {@code pos}. */
    void rotateHead(float[] m, int offset, int pos, RopeLayout layout) {
        int table = pos * halfDim;
        for (int i = 0; i < halfDim; i++) {
            int first;
            int second;
            if (layout == RopeLayout.INTERLEAVED) {
                first = offset + 2 * i;
                second = first + 1;
            } else {
                first = offset + i;
                second = first + halfDim;
            }
            float c = cos[table + i];
            float s = sin[table + i];
            float x0 = m[first];
            float x1 = m[second];
            m[first] = x0 * c - x1 * s;
            m[second] = x0 * s + x1 * c;
        }
    }
}
