package io.gptq4j.engine.io.gptq;

import io.gptq4j.engine.io.Half;
import java.util.Objects;

/**
 * One GPTQ-quantized Linear layer in checkpoint layout, for a weight of shape
 * (rows, cols) = (out_features, in_features):
 * <ul>
 *   <li>{@code qweight} int32 (words(cols), rows): for output o, the codes of inputs k = 0..cols-1
 *       as a bit stream down column o;</li>
 *   <li>{@code qzeros} int32 (groupCount, words(rows)): per group, the stored zero points of all
 *       outputs as a bit stream along the row;</li>
 *   <li>{@code scales} binary16 bits (groupCount, rows);</li>
 *   <li>{@code gIdx} int32 (cols): the group of each input feature.</li>
 * </ul>
 * words(n) = ceil(n * bits / 32); AutoGPTQ and Transformers need n * bits to be a multiple of 32.
 *
 * @param bias output bias (rows), or null
 */
public record PackedLinear(int rows, int cols, int bits, int groupCount, CheckpointFormat format,
                           int[] qweight, int[] qzeros, short[] scales, int[] gIdx, float[] bias) {

    public PackedLinear {
        Objects.requireNonNull(format, "format");
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be 2..8, got " + bits);
        }
        checkLength("qweight", qweight.length, (long) BitPacking.words(cols, bits) * rows);
        checkLength("qzeros", qzeros.length, (long) groupCount * BitPacking.words(rows, bits));
        checkLength("scales", scales.length, (long) groupCount * rows);
        checkLength("g_idx", gIdx.length, cols);
        if (bias != null) {
            checkLength("bias", bias.length, rows);
        }
        for (int k = 0; k < cols; k++) {
            if (gIdx[k] < 0 || gIdx[k] >= groupCount) {
                throw new IllegalArgumentException("g_idx[" + k + "] = " + gIdx[k] + " is outside 0.." + (groupCount - 1));
            }
        }
    }

    private static void checkLength(String name, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(name + " has " + actual + " elements, expected " + expected);
        }
    }

    /**
     * Packs integer codes and per-group grids.
     *
     * @param qint  codes (rows, cols) row-major, each in [0, 2^bits - 1]
     * @param scale (rows, groupCount) row-major, float32; stored as binary16 (round to nearest even)
     * @param zero  (rows, groupCount) row-major, integral values in [0, 2^bits - 1]
     * @param gIdx  group of each input feature (cols)
     * @throws IllegalArgumentException for a zero point that {@code format} cannot store (a zero
     *         of 0 in the v1 format), naming the output row and group and suggesting gptq_v2
     */
    public static PackedLinear pack(int[] qint, float[] scale, float[] zero, int[] gIdx, float[] bias,
                                    int rows, int cols, int bits, CheckpointFormat format) {
        if (qint.length != (long) rows * cols) {
            throw new IllegalArgumentException("qint has " + qint.length + " elements, expected " + rows + " x " + cols);
        }
        if (scale.length % rows != 0 || scale.length != zero.length || scale.length == 0) {
            throw new IllegalArgumentException("scale and zero must both be (rows=" + rows + ", groups); got "
                    + scale.length + " and " + zero.length + " elements");
        }
        int groupCount = scale.length / rows;
        int maxq = (1 << bits) - 1;

        int[] qweight = new int[BitPacking.words(cols, bits) * rows];
        for (int o = 0; o < rows; o++) {
            // Column o of qweight: start o, stride rows; codes of row o of qint are contiguous.
            BitPacking.packLine(qint, o * cols, 1, cols, bits, qweight, o, rows);
        }

        int[] stored = new int[groupCount * rows];
        for (int o = 0; o < rows; o++) {
            for (int g = 0; g < groupCount; g++) {
                stored[g * rows + o] = storedZero(zero[o * groupCount + g], o, g, maxq, format);
            }
        }
        int zeroWords = BitPacking.words(rows, bits);
        int[] qzeros = new int[groupCount * zeroWords];
        for (int g = 0; g < groupCount; g++) {
            BitPacking.packLine(stored, g * rows, 1, rows, bits, qzeros, g * zeroWords, 1);
        }

        short[] scales = new short[groupCount * rows];
        for (int o = 0; o < rows; o++) {
            for (int g = 0; g < groupCount; g++) {
                scales[g * rows + o] = Half.fromFloat(scale[o * groupCount + g]);
            }
        }
        return new PackedLinear(rows, cols, bits, groupCount, format, qweight, qzeros, scales, gIdx.clone(),
                bias == null ? null : bias.clone());
    }

    private static int storedZero(float zero, int row, int group, int maxq, CheckpointFormat format) {
        if (zero != Math.rint(zero) || zero < 0 || zero > maxq) {
            throw new IllegalArgumentException("zero point " + zero + " of output row " + row + ", group " + group
                    + " is not an integer in [0, " + maxq + "]");
        }
        int stored = (int) zero - format.zeroOffset();
        if (stored < 0) {
            throw new IllegalArgumentException("zero point 0 of output row " + row + ", group " + group
                    + " cannot be stored in the AutoGPTQ 'gptq' checkpoint format, which stores zero - 1"
                    + " (it would wrap around and corrupt the neighbouring zero points); write the checkpoint"
                    + " with --format gptq_v2 (GPTQModel) instead");
        }
        return stored;
    }

    /** Integer codes (rows, cols) row-major. */
    public int[] codes() {
        int[] qint = new int[rows * cols];
        for (int o = 0; o < rows; o++) {
            BitPacking.unpackLine(qweight, o, rows, cols, bits, qint, o * cols, 1);
        }
        return qint;
    }

    /** Zero points (groupCount, rows), with the format's offset added back. */
    public int[] zeros() {
        int zeroWords = BitPacking.words(rows, bits);
        int[] z = new int[groupCount * rows];
        for (int g = 0; g < groupCount; g++) {
            BitPacking.unpackLine(qzeros, g * zeroWords, 1, rows, bits, z, g * rows, 1);
        }
        for (int i = 0; i < z.length; i++) {
            z[i] += format.zeroOffset();
        }
        return z;
    }

    /** Scales (groupCount, rows) as float32. */
    public float[] scalesAsFloat() {
        float[] s = new float[scales.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Half.toFloat(scales[i]);
        }
        return s;
    }

    /** Dequantized weight (rows, cols): {@code W[o,k] = scales[gIdx[k], o] * (code(k, o) - zero(gIdx[k], o))}. */
    public float[] dequantize() {
        int[] qint = codes();
        int[] z = zeros();
        float[] s = scalesAsFloat();
        float[] w = new float[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int k = 0; k < cols; k++) {
                int g = gIdx[k] * rows + o;
                w[o * cols + k] = s[g] * (qint[o * cols + k] - z[g]);
            }
        }
        return w;
    }
}
