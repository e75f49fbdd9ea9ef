package io.gptq4j.engine.io.gptq;

/**
 * Packs small unsigned integers into int32 words as a little-endian bit stream: value i of a
 * line occupies bits {@code i*bits .. i*bits+bits-1}, i.e. word {@code (i*bits) / 32} at bit
 * offset {@code (i*bits) % 32}, LSB first. With 3 bits a value may straddle two words. This is
 * the layout of GPTQ {@code qweight} (lines along input features) and {@code qzeros} (lines
 * along output features).
 */
final class BitPacking {
    private BitPacking() {
    }

    /** Number of int32 words holding {@code count} values of {@code bits} bits, rounded up. */
    static int words(int count, int bits) {
        return (int) (((long) count * bits + 31) / 32);
    }

    /**
     * Packs one line of {@code count} values read from {@code values[start + i * stride]} into
     * {@code out[outStart + w * outStride]} for w = 0 .. words(count, bits) - 1 (the words must be zero).
     */
    static void packLine(int[] values, int start, int stride, int count, int bits,
                         int[] out, int outStart, int outStride) {
        int mask = (1 << bits) - 1;
        for (int i = 0; i < count; i++) {
            int v = values[start + i * stride];
            if ((v & ~mask) != 0) {
                throw new IllegalArgumentException("value " + v + " at index " + i + " does not fit in " + bits + " bits");
            }
            long bit = (long) i * bits;
            int word = (int) (bit >>> 5);
            int offset = (int) (bit & 31);
            out[outStart + word * outStride] |= v << offset;
            if (offset + bits > 32) {
                out[outStart + (word + 1) * outStride] |= v >>> (32 - offset);
            }
        }
    }

    /** Inverse of {@link #packLine}: writes {@code count} values to {@code values[start + i * stride]}. */
    static void unpackLine(int[] packed, int inStart, int inStride, int count, int bits,
                           int[] values, int start, int stride) {
        int mask = (1 << bits) - 1;
        for (int i = 0; i < count; i++) {
            long bit = (long) i * bits;
            int word = (int) (bit >>> 5);
            int offset = (int) (bit & 31);
            int v = packed[inStart + word * inStride] >>> offset;
            if (offset + bits > 32) {
                v |= packed[inStart + (word + 1) * inStride] << (32 - offset);
            }
            values[start + i * stride] = v & mask;
        }
    }
}
