package io.gptq4j.engine.forward;

/**
 * A float exponential about twice as fast as {@code (float) Math.exp} on HotSpot 17, with a
 * maximum relative error below 1e-7 (measured against Math.exp over [-87, 88]). The forward pass
 * spends most of its exponentials in the attention softmax, T²/2 per head and layer.
 */
final class FastExp {
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split into a part with trailing zero bits, exact when multiplied by n, and the rest. */
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187e-06f;
    /** Below this, e^x is under the smallest normal float and is flushed to 0. */
    private static final float MIN_ARGUMENT = -87.33654f;
    private static final float MAX_ARGUMENT = 88.72283f;
    /**
     * 1.5 · 2^23: for |z| < 2^22, {@code (z + ROUNDING) - ROUNDING} is z rounded to the nearest
     * integer, ties to even, as {@link Math#rint}. The low mantissa bits of the sum contain that
     * integer.
     */
    private static final float ROUNDING = 12582912f;

    private FastExp() {
    }

    /**
     * Returns e^x: 0 below about -87.3 (where e^x is subnormal), infinity above about 88.7, NaN
     * for NaN.
     */
    static float exp(float x) {
        if (!(x > MIN_ARGUMENT)) {
            return Float.isNaN(x) ? x : 0f;
        }
        if (x > MAX_ARGUMENT) {
            return Float.POSITIVE_INFINITY;
        }
        // e^x = 2^n · e^r with |r| <= ln2/2; a degree-7 Taylor polynomial keeps e^r within 6e-9.
        float n = (float) Math.rint(x * LOG2E);
        float r = x - n * LN2_HI - n * LN2_LO;
        return taylor(r) * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /**
     * Replaces x[from, to) by e^x with the same results as {@link #exp}. The range reduction and
     * polynomial run in one loop of plain float arithmetic, which C2 vectorizes. The exponent bits
     * are assembled in a second, scalar loop, because C2 (measured on HotSpot 17.0.15 with AVX2)
     * does not vectorize {@code Float.floatToRawIntBits} and {@code Float.intBitsToFloat}. The
     * scratch arrays need at least {@code to} elements; their contents are overwritten.
     */
    static void expInPlace(float[] x, int from, int to, float[] polynomial, float[] exponent) {
        for (int i = from; i < to; i++) {
            float clamped = Math.max(x[i], MIN_ARGUMENT);
            float shifted = clamped * LOG2E + ROUNDING;
            float n = shifted - ROUNDING;
            float r = clamped - n * LN2_HI - n * LN2_LO;
            polynomial[i] = taylor(r);
            exponent[i] = shifted;
        }
        for (int i = from; i < to; i++) {
            float value = x[i];
            if (value > MIN_ARGUMENT && value <= MAX_ARGUMENT) {
                // The bit pattern of the shifted sum is that of ROUNDING plus n. ROUNDING's low 9
                // bits are zero, so the shift by 23 keeps only n, now in the exponent field.
                int bits = (Float.floatToRawIntBits(exponent[i]) << 23) + (127 << 23);
                x[i] = polynomial[i] * Float.intBitsToFloat(bits);
            } else {
                x[i] = exp(value);
            }
        }
    }

    /** Returns the degree-7 Taylor polynomial of e^r, in Horner form. */
    private static float taylor(float r) {
        float p = 1f / 5040f;
        p = p * r + 1f / 720f;
        p = p * r + 1f / 120f;
        p = p * r + 1f / 24f;
        p = p * r + 1f / 6f;
        p = p * r + 0.5f;
        p = p * r + 1f;
        return p * r + 1f;
    }
}
