package io.gptq4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and malformed safetensors headers must fail with a clear message before any large allocation. */
class SafeTensorsValidationTest {

    @TempDir
    Path dir;

    private Path file(long headerLength, String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(h);
        Path p = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private Path file(String json, int dataBytes) throws IOException {
        return file(json.getBytes(StandardCharsets.UTF_8).length, json, dataBytes);
    }

    private static String rejected(Path p) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensors.open(p));
        assertEquals(p, e.file());
        return e.getMessage();
    }

    @Test
    void hugeHeaderLengthRejectedWithoutAllocating() throws IOException {
        // 2^62 bytes cannot be allocated; the check must come first, and the message must give the value.
        String msg = rejected(file(1L << 62, "{}", 0));
        assertTrue(msg.contains("invalid safetensors header length 4611686018427387904"), msg);
        // The length field as unsigned: 2^64 - 1 must not wrap to a small negative number that slips through.
        assertTrue(rejected(file(-1L, "{}", 0)).contains("18446744073709551615"));
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        String msg = rejected(file(50_000_000L, "{}", 0));
        assertTrue(msg.contains("truncated or not safetensors"), msg);
    }

    @Test
    void headerNotJsonObject() throws IOException {
        assertTrue(rejected(file("[1,2]", 0)).contains("not a JSON object"));
        assertTrue(rejected(file("{\"a\":", 0)).contains("not valid JSON"));
        assertTrue(rejected(file("{\"a\":[1]}", 0)).contains("header entry must be a JSON object"));
        assertTrue(rejected(file("{\"__metadata__\":{\"k\":1}}", 0)).contains("must be a string"));
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String t = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertTrue(rejected(file("{\"a\":" + t + ",\"a\":" + t + "}", 4)).contains("Duplicate field 'a'"));
    }

    @Test
    void offsetsPastEndOfFile() throws IOException {
        String msg = rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8));
        assertTrue(msg.contains("tensor 'w' ends at data offset 16, past the end of the file (8 data bytes)"), msg);
    }

    @Test
    void overlappingTensors() throws IOException {
        String msg = rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertTrue(msg.contains("tensors 'a' and 'b' overlap"), msg);
    }

    @Test
    void negativeShape() throws IOException {
        String msg = rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,0]}}", 0));
        assertTrue(msg.contains("tensor 'w' has invalid dimension -1"), msg);
    }

    @Test
    void fractionalShape() throws IOException {
        String msg = rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4));
        assertTrue(msg.contains("invalid dimension 1.5"), msg);
    }

    @Test
    void overflowingShape() throws IOException {
        // 2^32 * 2^32 elements overflows a long; 2^62 F32 elements overflow the byte count.
        String msg = rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4));
        assertTrue(msg.contains("tensor 'w' shape [4294967296,4294967296] overflows"), msg);
        msg = rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,4]}}", 4));
        assertTrue(msg.contains("byte size overflows"), msg);
    }

    @Test
    void dtypeSizeDisagreesWithOffsets() throws IOException {
        // 3 F16 values are 6 bytes, not 12.
        String msg = rejected(file("{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,12]}}", 12));
        assertTrue(msg.contains("declares F16 [3] (6 bytes) but its data_offsets span 12 bytes"), msg);
    }

    @Test
    void unknownDtypeAndBadOffsets() throws IOException {
        assertTrue(rejected(file("{\"w\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1))
                .contains("unsupported dtype 'F8'"));
        assertTrue(rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8))
                .contains("invalid data_offsets [8,4]"));
        assertTrue(rejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4))
                .contains("needs dtype, shape and data_offsets"));
    }

    @Test
    void tooShortFile() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertTrue(rejected(p).contains("too short"));
    }

    @Test
    void writerOutputReadsBack() throws IOException {
        Path p = dir.resolve("w.safetensors");
        new SafeTensorsWriter()
                .metadata("format", "pt")
                .addF32("a", new float[] {1, 2, 3, 4, 5, -6.5f}, new long[] {2, 3})
                .addF16("h", new float[] {1f, 65504f, 1f + 0x1p-11f}, new long[] {3})
                .addI32("i", new int[] {-7}, new long[] {1})
                .write(p);
        byte[] raw = Files.readAllBytes(p);
        long headerLength = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        assertEquals(8 + headerLength + 24 + 6 + 4, raw.length);
        // The last header byte is padding or the closing brace; never a NUL.
        assertTrue(raw[(int) (8 + headerLength - 1)] == ' ' || raw[(int) (8 + headerLength - 1)] == '}');

        SafeTensors st = SafeTensors.open(p);
        assertEquals("pt", st.metadata().get("format"));
        assertArrayEquals(new long[] {2, 3}, st.info("a").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, st.floats("a"));
        // 1 + 2^-11 is a tie between 1 and 1 + 2^-10 and rounds to the even mantissa, 1.0.
        assertArrayEquals(new short[] {0x3C00, 0x7BFF, 0x3C00}, st.halfBits("h"));
        assertArrayEquals(new int[] {-7}, st.ints("i"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
