package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.model.ModuleName;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensor types, alignment, versions and large offsets on GGUF files written by {@link GgufBuilder}. */
class GgufFormatsTest {
    @TempDir
    Path tmp;

    @Test
    void f16ValuesAreExact() throws Exception {
        // binary16 bit patterns of 1, -2, 0.5 and 65504 (the largest finite half).
        byte[] data = shorts(0x3C00, 0xC000, 0x3800, 0x7BFF);
        Path file = tmp.resolve("f16.gguf");
        new GgufBuilder().tensor("t", 1, new long[] {4}, data).write(file);

        assertArrayEquals(new float[] {1f, -2f, 0.5f, 65504f}, GgufReader.open(file).floats("t"));
    }

    @Test
    void bf16ValuesAreExact() throws Exception {
        // bfloat16 is the top half of a float32: 0x3F80 = 1, 0xC040 = -3, 0x4049 = 3.140625.
        byte[] data = shorts(0x3F80, 0xC040, 0x4049, 0x0000);
        Path file = tmp.resolve("bf16.gguf");
        new GgufBuilder().tensor("t", 30, new long[] {4}, data).write(file);

        assertArrayEquals(new float[] {1f, -3f, 3.140625f, 0f}, GgufReader.open(file).floats("t"));
    }

    @Test
    void q8BlocksScaleTheirInts() throws Exception {
        // Two blocks of 32: scale 0.5 (0x3800) with q = -16..15, then scale -2 (0xC000) with q = 127 - i.
        ByteBuffer b = ByteBuffer.allocate(68).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x3800);
        for (int i = 0; i < 32; i++) {
            b.put((byte) (i - 16));
        }
        b.putShort((short) 0xC000);
        for (int i = 0; i < 32; i++) {
            b.put((byte) (127 - i));
        }
        Path file = tmp.resolve("q8.gguf");
        new GgufBuilder().tensor("t", 8, new long[] {32, 2}, b.array()).write(file);

        float[] values = GgufReader.open(file).floats("t");
        for (int i = 0; i < 32; i++) {
            assertEquals(0.5f * (i - 16), values[i], "element " + i);
            assertEquals(-2f * (127 - i), values[32 + i], "element " + (32 + i));
        }
    }

    @Test
    void q8RowMustHoldWholeBlocks() throws Exception {
        Path file = tmp.resolve("q8-partial.gguf");
        new GgufBuilder().tensor("t", 8, new long[] {16, 2}, new byte[68]).write(file);

        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> GgufReader.open(file));
        assertEquals(file + ": tensor 't' is Q8_0 with ne0 = 16, which is not a multiple of the block size 32",
                e.getMessage());
    }

    @Test
    void customAlignmentAndVersion2() throws Exception {
        Path file = tmp.resolve("aligned.gguf");
        new GgufBuilder().version(2).kv("general.alignment", 64)
                .f32("a", new long[] {3}, new float[] {1, 2, 3})
                .f32("b", new long[] {2}, new float[] {4, 5})
                .write(file);

        GgufFile gguf = GgufReader.open(file);
        assertEquals(2, gguf.version());
        assertEquals(64, gguf.alignment());
        assertEquals(0, gguf.dataStart() % 64);
        assertEquals(gguf.dataStart() + 64, gguf.tensor("b").offset());
        assertArrayEquals(new float[] {4, 5}, gguf.floats("b"));
    }

    @Test
    void missingOutputTiesToEmbedding() throws Exception {
        Path file = tmp.resolve("tiny.gguf");
        GgufBuilder.tinyLlama().write(file);

        LlamaModel model = ModelLoader.load(file);
        assertSame(model.tokenEmbedding(), model.output().weight());
        assertEquals(1e-6f, model.config().normEps());
        assertEquals(10000f, model.config().ropeTheta());
        assertEquals(4, model.config().headDim());
        // attn_k is tensor 4 of the tiny model with dims [8, 4]: a (4, 8) matrix.
        assertArrayEquals(GgufBuilder.tinyValues(4, new long[] {8, 4}),
                model.layers().get(0).module(ModuleName.K_PROJ).weight());
        assertEquals(4, model.layers().get(0).module(ModuleName.K_PROJ).outFeatures());
        assertEquals(12, model.layers().get(0).module(ModuleName.DOWN_PROJ).inFeatures());
    }

    @Test
    void tensorDataPastTwoGibibytes() throws Exception {
        long hole = (1L << 31) + (1L << 20);
        Assumptions.assumeTrue(Files.getFileStore(tmp).getUsableSpace() > (64L << 20), "too little disk space");
        Path file = tmp.resolve("sparse.gguf");
        try {
            GgufBuilder.tinyLlama().firstDataOffset(hole).write(file);
        } catch (IOException e) {
            Assumptions.abort("cannot write a sparse file of " + hole + " bytes here: " + e);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            Assumptions.assumeTrue(raf.length() > hole, "file system did not keep the hole");
        }

        LlamaModel model = ModelLoader.load(file);
        assertArrayEquals(GgufBuilder.tinyValues(0, new long[] {8, 6}), model.tokenEmbedding());
        assertArrayEquals(GgufBuilder.tinyValues(10, new long[] {12, 8}),
                model.layers().get(0).module(ModuleName.DOWN_PROJ).weight());
    }

    @Test
    void arrayOfArraysIsRead() throws Exception {
        Path file = Files.write(tmp.resolve("nested.gguf"), nestedArrays(1));

        Object[] outer = GgufReader.open(file).requireArray("k", Object[].class);
        assertEquals(1, outer.length);
        assertArrayEquals(new int[] {7, 8}, (int[]) outer[0]);
    }

    @Test
    void deepNestingIsRejected() throws Exception {
        Path file = Files.write(tmp.resolve("deep.gguf"), nestedArrays(50));

        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> GgufReader.open(file));
        assertTrue(e.getMessage().contains("reading metadata 'k': arrays nested more than 8 levels deep"),
                e.getMessage());
    }

    /** A GGUF with one key "k" whose value is {@code depth} levels of one-element arrays around INT32 [7, 8]. */
    private static byte[] nestedArrays(int depth) {
        ByteBuffer b = ByteBuffer.allocate(64 + 12 * depth).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'G', 'G', 'U', 'F'}).putInt(3).putLong(0).putLong(1);
        b.putLong(1).put((byte) 'k').putInt(9);
        for (int level = 0; level < depth; level++) {
            b.putInt(9).putLong(1);
        }
        b.putInt(5).putLong(2).putInt(7).putInt(8);
        return Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] shorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }
}
