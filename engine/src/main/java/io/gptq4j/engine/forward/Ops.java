package io.gptq4j.engine.forward;

/** Element-wise steps of the decoder layer, on row-major [rows × width] matrices. */
final class Ops {
    private Ops() {
    }

    /**
     * Returns {@code x / sqrt(mean(x²) + eps) · gain} per row. The mean square is summed in
     * double; the scaling is float.
     */
    static float[] rmsNorm(float[] x, int rows, int width, float[] gain, float eps) {
        if (gain.length != width) {
            throw new IllegalArgumentException("RMSNorm gain has " + gain.length + " elements, expected " + width);
        }
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            int offset = r * width;
            double sumSquares = 0;
            for (int i = 0; i < width; i++) {
                float v = x[offset + i];
                sumSquares += v * v;
            }
            float inverseRms = (float) (1.0 / Math.sqrt((float) (sumSquares / width) + eps));
            for (int i = 0; i < width; i++) {
                out[offset + i] = x[offset + i] * inverseRms * gain[i];
            }
        }
        return out;
    }

    /** Adds {@code other} to {@code target} element-wise. */
    static void addInPlace(float[] target, float[] other) {
        for (int i = 0; i < target.length; i++) {
            target[i] += other[i];
        }
    }

    /** Replaces gate with {@code silu(gate) · up}, where {@code silu(z) = z / (1 + e^-z)}. */
    static void siluMultiplyInPlace(float[] gate, float[] up) {
        for (int i = 0; i < gate.length; i++) {
            float g = gate[i];
            gate[i] = g / (1f + FastExp.exp(-g)) * up[i];
        }
    }
}
