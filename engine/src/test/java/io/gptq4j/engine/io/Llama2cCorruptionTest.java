package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of the llama2.c checkpoints. Legacy header: seven int32 at bytes 0-27
 * (dim, hidden_dim, n_layers, ...). Version 1: magic, version, then the same seven at bytes 8-35.
 */
class Llama2cCorruptionTest {
    @TempDir
    Path tmp;

    @Test
    void legacyZeroLayers() throws Exception {
        byte[] bad = patch("stories260K.bin", 8, 0);
        assertFails(bad, "llama2.c header: n_layers is 0, expected a positive value");
    }

    @Test
    void versionOneZeroLayers() throws Exception {
        byte[] bad = patch("stories260K_v1.bin", 16, 0);
        assertFails(bad, "llama2.c header: n_layers is 0, expected a positive value");
    }

    @Test
    void negativeDim() throws Exception {
        assertFails(patch("stories260K.bin", 0, -64), "llama2.c header: dim is -64");
    }

    @Test
    void headsMustDivideDim() throws Exception {
        assertFails(patch("stories260K.bin", 12, 7), "dim 64 is not n_heads 7 times an even head size");
    }

    @Test
    void truncatedLegacy() throws Exception {
        byte[] bad = Arrays.copyOf(Files.readAllBytes(SharedData.data("stories260K.bin")), 500_000);
        assertFails(bad, "llama2.c checkpoint has 500000 bytes, but its header (version 0, dim 64, hidden_dim 172, "
                + "n_layers 5, n_heads 8, n_kv_heads 4, vocab_size 512, seq_len 512, shared classifier true) implies "
                + "1056540 bytes of float32 weights; the file is truncated");
    }

    @Test
    void truncatedVersionOne() throws Exception {
        byte[] bad = Arrays.copyOf(Files.readAllBytes(SharedData.data("stories260K_v1.bin")), 1000);
        assertFails(bad, "implies 1040384 bytes of float32 weights; the file is truncated");
    }

    @Test
    void unsharedClassifierNeedsItsBytes() throws Exception {
        // A negative vocab_size declares a separate classifier that this file does not contain.
        assertFails(patch("stories260K.bin", 20, -512), "implies 1187612 bytes of float32 weights");
    }

    @Test
    void quantizedExportVersionIsRejected() throws Exception {
        assertFails(patch("stories260K_v1.bin", 4, 2), "llama2.c export version 2 is not supported "
                + "(version 2 holds int8-quantized weights)");
    }

    private void assertFails(byte[] content, String expectedPart) throws Exception {
        Path file = Files.write(tmp.resolve("damaged.bin"), content);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    private static byte[] patch(String name, int offset, int value) throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.data(name));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return bytes;
    }
}
