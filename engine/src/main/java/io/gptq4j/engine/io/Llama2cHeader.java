package io.gptq4j.engine.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Header of a llama2.c checkpoint (float32 weights).
 *
 * <p>Legacy layout (version 0): seven int32 values {@code dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len}; a negative vocab_size means the classifier is stored
 * separately. Version 1: u32 magic {@code 0x616b3432} ("ak42"), int32 version 1, the same seven
 * values, a byte {@code shared_classifier}, zero padding to 256 bytes.
 *
 * @param version          0 (legacy) or 1
 * @param dim              hidden size
 * @param hiddenDim        feed-forward inner size
 * @param nLayers          decoder layers
 * @param nHeads           query heads
 * @param nKvHeads         key/value heads
 * @param vocabSize        vocabulary size (always positive here)
 * @param seqLen           maximum sequence length
 * @param sharedClassifier true when the classifier reuses the token embedding
 * @param dataOffset       byte offset of the first weight
 */
public record Llama2cHeader(int version, int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads,
        int vocabSize, int seqLen, boolean sharedClassifier, long dataOffset) {

    /** "ak42" as a little-endian u32, the magic of llama2.c export versions 1 and 2. */
    static final int MAGIC = 0x616b3432;
    static final int LEGACY_HEADER_BYTES = 28;
    static final int V1_HEADER_BYTES = 256;

    /** Returns true when the first four bytes are the {@code ak42} magic. */
    public static boolean hasMagic(byte[] head) {
        return head.length >= 4 && le(head).getInt(0) == MAGIC;
    }

    /**
     * Parses the header from the first bytes of a file.
     *
     * @throws ModelFormatException for an unsupported version or invalid values
     */
    static Llama2cHeader parse(Path file, byte[] head) {
        ByteBuffer b = le(head);
        if (hasMagic(head)) {
            requireBytes(file, head, V1_HEADER_BYTES);
            int version = b.getInt(4);
            if (version != 1) {
                throw new ModelFormatException(file, "llama2.c export version " + version + " is not supported"
                        + (version == 2 ? " (version 2 holds int8-quantized weights)" : "")
                        + "; export the model with llama2.c's export.py --version 1 (float32)");
            }
            Llama2cHeader h = new Llama2cHeader(1, b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getInt(24),
                    b.getInt(28), b.getInt(32), head[36] != 0, V1_HEADER_BYTES);
            h.validate(file);
            return h;
        }
        requireBytes(file, head, LEGACY_HEADER_BYTES);
        int vocab = b.getInt(20);
        Llama2cHeader h = new Llama2cHeader(0, b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16),
                vocab == Integer.MIN_VALUE ? 0 : Math.abs(vocab), b.getInt(24), vocab > 0, LEGACY_HEADER_BYTES);
        h.validate(file);
        return h;
    }

    /**
     * Returns true when the first 28 bytes could be a legacy header: positive sizes that divide
     * evenly and a file length equal to what they imply. Used to recognize headerless files.
     */
    static boolean looksLikeLegacy(byte[] head, long fileSize) {
        if (head.length < LEGACY_HEADER_BYTES) {
            return false;
        }
        ByteBuffer b = le(head);
        int dim = b.getInt(0);
        int nHeads = b.getInt(12);
        int nKvHeads = b.getInt(16);
        if (dim <= 0 || b.getInt(4) <= 0 || b.getInt(8) <= 0 || nHeads <= 0 || nKvHeads <= 0
                || b.getInt(20) == 0 || b.getInt(20) == Integer.MIN_VALUE || b.getInt(24) <= 0
                || dim % nHeads != 0 || nHeads % nKvHeads != 0) {
            return false;
        }
        Llama2cHeader h = new Llama2cHeader(0, dim, b.getInt(4), b.getInt(8), nHeads, nKvHeads,
                Math.abs(b.getInt(20)), b.getInt(24), b.getInt(20) > 0, LEGACY_HEADER_BYTES);
        return h.expectedFileSize() == fileSize;
    }

    private void validate(Path file) {
        check(file, "dim", dim);
        check(file, "hidden_dim", hiddenDim);
        check(file, "n_layers", nLayers);
        check(file, "n_heads", nHeads);
        check(file, "n_kv_heads", nKvHeads);
        check(file, "vocab_size", vocabSize);
        check(file, "seq_len", seqLen);
        if (dim % nHeads != 0 || (dim / nHeads) % 2 != 0) {
            throw new ModelFormatException(file, "llama2.c header: dim " + dim + " is not n_heads " + nHeads
                    + " times an even head size");
        }
        if (nHeads % nKvHeads != 0) {
            throw new ModelFormatException(file, "llama2.c header: n_heads " + nHeads
                    + " is not a multiple of n_kv_heads " + nKvHeads);
        }
    }

    private static void check(Path file, String field, int value) {
        if (value <= 0) {
            throw new ModelFormatException(file, "llama2.c header: " + field + " is " + value
                    + ", expected a positive value; the file is not a llama2.c checkpoint or is corrupt");
        }
    }

    public int headDim() {
        return dim / nHeads;
    }

    public int kvDim() {
        return nKvHeads * headDim();
    }

    /** Number of float32 weights per layer. */
    long floatsPerLayer() {
        return 2L * dim + (long) dim * dim * 2 + 2L * dim * kvDim() + 3L * dim * hiddenDim;
    }

    /** Number of float32 values after the header, including legacy RoPE tables and a separate classifier. */
    long floatCount() {
        long n = (long) nLayers * floatsPerLayer() + dim + (long) vocabSize * dim;
        if (version == 0) {
            n += (long) seqLen * headDim(); // freq_cis_real and freq_cis_imag, seq_len x head_size/2 each
        }
        if (!sharedClassifier) {
            n += (long) vocabSize * dim;
        }
        return n;
    }

    long expectedFileSize() {
        return dataOffset + 4 * floatCount();
    }

    private static void requireBytes(Path file, byte[] head, int n) {
        if (head.length < n) {
            throw new ModelFormatException(file, "file is truncated: a llama2.c header needs " + n
                    + " bytes, but the file has " + head.length);
        }
    }

    private static ByteBuffer le(byte[] head) {
        return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    }
}
