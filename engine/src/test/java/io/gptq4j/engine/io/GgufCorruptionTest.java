package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of stories260K.gguf must each fail with one {@link ModelFormatException} that
 * starts with the file name and names the problem. Offsets come from the file's layout: header
 * bytes 0-23, the first metadata entry (tokenizer.ggml.tokens) from byte 24, tensor entries just
 * before the data section at byte 14176.
 */
class GgufCorruptionTest {
    private static final long DATA_START = 14176;
    private static byte[] original;

    @TempDir
    Path tmp;

    @BeforeAll
    static void read() throws Exception {
        original = Files.readAllBytes(SharedData.data("stories260K.gguf"));
    }

    @Test
    void truncatedInHeader() throws Exception {
        assertFails(Arrays.copyOf(original, 10), "file is truncated: reading the tensor count needs 8 bytes at offset 8");
    }

    @Test
    void truncatedInMetadata() throws Exception {
        // At 2000 bytes, 512 tokens cannot fit even as empty strings; at 5000 the reader runs out mid-array.
        assertFails(Arrays.copyOf(original, 2000), "reading metadata 'tokenizer.ggml.tokens': array of 512 STRING values "
                + "needs more than the remaining 1931 bytes of the file; the file is truncated or corrupt");
        assertFails(Arrays.copyOf(original, 5000), "file is truncated: reading metadata 'tokenizer.ggml.tokens' needs");
    }

    @Test
    void truncatedInTensorEntries() throws Exception {
        int offset = indexOf("blk.2.attn_q.weight") + 4;
        assertFails(Arrays.copyOf(original, offset), "tensor entry");
    }

    @Test
    void truncatedInData() throws Exception {
        assertFails(Arrays.copyOf(original, (int) DATA_START + 5000), "declares a tensor larger than the file");
        assertFails(Arrays.copyOf(original, original.length - 4), "declares a tensor larger than the file");
    }

    @Test
    void flippedMagic() throws Exception {
        byte[] bad = original.clone();
        bad[0] = 'X';
        assertFails(bad, "not a GGUF file: the first four bytes are 58475546, expected the magic 'GGUF'");
    }

    @Test
    void unsupportedVersion() throws Exception {
        assertFails(patchInt(4, 7), "unsupported GGUF version 7, expected 2 or 3");
    }

    @Test
    void tensorLargerThanFile() throws Exception {
        // token_embd.weight: name, u32 n_dims = 2, u64 ne0 = 64, u64 ne1 = 512; make ne1 = 512000.
        int ne1 = indexOf("token_embd.weight") + "token_embd.weight".length() + 4 + 8;
        assertFails(patchLong(ne1, 512_000), "tensor 'token_embd.weight' (F32 [64, 512000], 131072000 bytes at data offset");
    }

    @Test
    void unknownTensorType() throws Exception {
        int type = indexOf("output_norm.weight") + "output_norm.weight".length() + 4 + 8;
        assertFails(patchInt(type, 12), "tensor 'output_norm.weight' has ggml type 12 (Q4_K), which this reader "
                + "does not support; supported: F32 (0), F16 (1), Q8_0 (8), BF16 (30)");
    }

    @Test
    void absurdMetadataCount() throws Exception {
        assertFails(patchLong(16, 1L << 40), "the header declares 1099511627776 metadata entries, more than");
    }

    @Test
    void absurdTensorCount() throws Exception {
        assertFails(patchLong(8, 1L << 40), "the header declares 1099511627776 tensors, more than");
    }

    @Test
    void absurdStringLength() throws Exception {
        assertFails(patchLong(24, 1L << 50), "string length 1125899906842624 at offset 24 is larger than");
    }

    @Test
    void absurdArrayLength() throws Exception {
        // tokenizer.ggml.tokens: u64 key length, key, u32 type 9, u32 element type 8, u64 count.
        int count = 24 + 8 + "tokenizer.ggml.tokens".length() + 8;
        assertFails(patchLong(count, 1L << 45), "array of 35184372088832 STRING values needs more than");
    }

    @Test
    void shapeDisagreesWithConfig() throws Exception {
        int value = indexOf("llama.feed_forward_length") + "llama.feed_forward_length".length() + 4;
        assertFails(patchInt(value, 100), "tensor 'blk.0.ffn_gate.weight' has dims [64, 172] (ne0 first), "
                + "but the llama.* metadata implies [64, 100]");
    }

    @Test
    void overlappingTensors() throws Exception {
        // Entry layout: name, u32 n_dims, u64 dims..., u32 type, u64 data offset. token_embd.weight
        // has 2 dims (F32 [64, 512], 131072 bytes); output_norm.weight has 1 (F32 [64], 256 bytes).
        int embeddingOffset = indexOf("token_embd.weight") + "token_embd.weight".length() + 4 + 2 * 8 + 4;
        int normOffset = indexOf("output_norm.weight") + "output_norm.weight".length() + 4 + 8 + 4;
        long embeddingStart = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(embeddingOffset);
        // Point output_norm.weight 256 bytes into the embedding.
        byte[] bad = patchLong(normOffset, embeddingStart + 256);
        long begin = DATA_START + embeddingStart;
        assertFails(bad, "tensors 'token_embd.weight' (file bytes " + begin + " to " + (begin + 131072)
                + ") and 'output_norm.weight' (file bytes " + (begin + 256) + " to " + (begin + 512) + ") overlap");
    }

    @Test
    void missingTensor() throws Exception {
        byte[] bad = original.clone();
        int at = indexOf("blk.4.ffn_up.weight");
        bad[at + "blk.4.ffn_".length()] = 'X';
        assertFails(bad, "missing tensor 'blk.4.ffn_up.weight'");
    }

    private void assertFails(byte[] content, String expectedPart) throws Exception {
        Path file = Files.write(tmp.resolve("damaged.gguf"), content);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
        assertEquals(file, e.file());
    }

    private static int indexOf(String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= original.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (original[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(ascii + " not in the file");
    }

    private static byte[] patchInt(int offset, int value) {
        byte[] bad = original.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return bad;
    }

    private static byte[] patchLong(int offset, long value) {
        byte[] bad = original.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
        return bad;
    }
}
