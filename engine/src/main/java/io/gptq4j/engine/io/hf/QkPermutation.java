package io.gptq4j.engine.io.hf;

/**
 * Reorders the output rows of a q or k projection between the two RoPE pair layouts. Within each
 * head of width d, the interleaved layout (GGUF, llama2.c) rotates pairs (2i, 2i+1) and the
 * half-split layout (Hugging Face {@code rotate_half}) rotates pairs (i, i + d/2); the same
 * rotation results when interleaved row 2i+j moves to half-split row j*d/2 + i (j = 0, 1). This
 * is the reshape-transpose that Hugging Face's LLaMA conversion script applies to q/k weights.
 */
public final class QkPermutation {
    private QkPermutation() {
    }

    /**
     * Returns, for every half-split row r, the interleaved row it comes from.
     *
     * @param heads   number of heads in the projection (query or key/value heads)
     * @param headDim width of one head, even
     */
    public static int[] halfSplitSourceRows(int heads, int headDim) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be even, got " + headDim);
        }
        int half = headDim / 2;
        int[] source = new int[heads * headDim];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < half; i++) {
                    source[h * headDim + j * half + i] = h * headDim + 2 * i + j;
                }
            }
        }
        return source;
    }

    /** Interleaved → half-split: permutes the rows of a (heads*headDim, cols) matrix, or a bias with cols = 1. */
    public static float[] toHalfSplit(float[] rows, int heads, int headDim, int cols) {
        return gather(rows, halfSplitSourceRows(heads, headDim), cols);
    }

    /** Half-split → interleaved, the inverse of {@link #toHalfSplit}. */
    public static float[] toInterleaved(float[] rows, int heads, int headDim, int cols) {
        return gather(rows, inverse(halfSplitSourceRows(heads, headDim)), cols);
    }

    /** Row gather on an int matrix, for integer codes of a quantized projection. */
    public static int[] gatherRows(int[] rows, int[] sourceRow, int cols) {
        checkLength(rows.length, sourceRow.length, cols);
        int[] out = new int[rows.length];
        for (int r = 0; r < sourceRow.length; r++) {
            System.arraycopy(rows, sourceRow[r] * cols, out, r * cols, cols);
        }
        return out;
    }

    /** Row gather on a float matrix: output row r is input row {@code sourceRow[r]}. */
    public static float[] gather(float[] rows, int[] sourceRow, int cols) {
        checkLength(rows.length, sourceRow.length, cols);
        float[] out = new float[rows.length];
        for (int r = 0; r < sourceRow.length; r++) {
            System.arraycopy(rows, sourceRow[r] * cols, out, r * cols, cols);
        }
        return out;
    }

    static int[] inverse(int[] permutation) {
        int[] inv = new int[permutation.length];
        for (int r = 0; r < permutation.length; r++) {
            inv[permutation[r]] = r;
        }
        return inv;
    }

    private static void checkLength(int length, int rowCount, int cols) {
        if ((long) rowCount * cols != length) {
            throw new IllegalArgumentException("matrix has " + length + " elements, expected " + rowCount + " x " + cols);
        }
    }
}
