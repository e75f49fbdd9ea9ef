package io.gptq4j.engine.quant;

/**
 * The uniform quantization grid of AutoGPTQ's {@code Quantizer}, per row of a group of columns.
 * All arithmetic is float32 with real divisions, and rounding is half to even
 * ({@link Math#rint}), so codes match PyTorch's {@code torch.round} bit for bit.
 *
 * <p>Min-max grid: {@code lo = min(min x, 0)}, {@code hi = max(max x, 0)}; symmetric grids use
 * {@code hi = max(|lo|, hi)} and {@code lo = -hi} only when {@code lo < 0}, so a row that is
 * all {@code >= 0} keeps {@code lo = 0} and its values above {@code (maxq - zero) * scale} clip
 * (AutoGPTQ behaviour, kept for compatibility). An all-zero row uses [-1, 1].
 * {@code scale = (hi - lo) / maxq}; {@code zero = (maxq + 1) / 2} (sym) or
 * {@code rint(-lo / scale)}.
 */
final class Grid {
    private Grid() {
    }

    /**
     * Computes (scale, zero) of rows [r0, r1) over columns [c0, c1). Element (r, c) of the matrix
     * is {@code values[c * colStride + r * rowStride]}; results go to
     * {@code scale[outOffset + r]} and {@code zero[outOffset + r]}.
     */
    static void find(float[] values, int colStride, int rowStride, int c0, int c1, int r0, int r1,
                     QuantConfig config, float[] scale, float[] zero, int outOffset) {
        int maxq = config.maxq();
        int n = r1 - r0;
        float[] lo = new float[n];
        float[] hi = new float[n];
        for (int c = c0; c < c1; c++) {
            int base = c * colStride;
            for (int i = 0; i < n; i++) {
                float v = values[base + (r0 + i) * rowStride];
                lo[i] = Math.min(lo[i], v);
                hi[i] = Math.max(hi[i], v);
            }
        }
        float symZero = (maxq + 1) / 2f;
        float[] row = config.mse() ? new float[c1 - c0] : null;
        for (int i = 0; i < n; i++) {
            float l = lo[i];
            float h = hi[i];
            if (config.sym()) {
                h = Math.max(Math.abs(l), h);
                if (l < 0) {
                    l = -h;
                }
            }
            if (l == 0f && h == 0f) {
                l = -1f;
                h = 1f;
            }
            float s = (h - l) / maxq;
            // A row with lo = 0 gets zero = rint(-0.0 / s) = -0.0, as in PyTorch; it packs as 0.
            float z = config.sym() ? symZero : (float) Math.rint(-l / s);
            int r = r0 + i;
            if (row != null) {
                for (int c = c0; c < c1; c++) {
                    row[c - c0] = values[c * colStride + r * rowStride];
                }
                float[] best = searchShrunkGrid(row, l, h, z, config);
                s = best[0];
                z = best[1];
            }
            scale[outOffset + r] = s;
            zero[outOffset + r] = z;
        }
    }

    /**
     * AutoGPTQ's MSE search: shrink [lo, hi] by p = 1 - i / grid for i below maxShrink * grid and
     * keep the first candidate with the strictly smallest sum of |q - x|^norm.
     *
     * @return {scale, zero} of the winner
     */
    private static float[] searchShrunkGrid(float[] x, float lo, float hi, float symZero, QuantConfig config) {
        int maxq = config.maxq();
        double best = Double.POSITIVE_INFINITY;
        float bestScale = (hi - lo) / maxq;
        float bestZero = symZero;
        int steps = (int) (config.mseMaxShrink() * config.mseGrid());
        for (int i = 0; i < steps; i++) {
            float p = (float) (1 - i / (double) config.mseGrid());
            float lo1 = p * lo;
            float hi1 = p * hi;
            float s1 = (hi1 - lo1) / maxq;
            float z1 = config.sym() ? symZero : (float) Math.rint(-lo1 / s1);
            double err = 0;
            for (float v : x) {
                float q = dequantize(code(v, s1, z1, maxq), s1, z1);
                err += (float) Math.pow(Math.abs(q - v), config.mseNorm());
            }
            if (err < best) {
                best = err;
                bestScale = s1;
                bestZero = z1;
            }
        }
        return new float[] {bestScale, bestZero};
    }

    /** {@code clamp(rint(w / scale) + zero, 0, maxq)}, as a float holding an integer. */
    static float code(float w, float scale, float zero, int maxq) {
        float c = (float) Math.rint(w / scale) + zero;
        return Math.max(0f, Math.min(maxq, c));
    }

    static float dequantize(float code, float scale, float zero) {
        return scale * (code - zero);
    }
}
