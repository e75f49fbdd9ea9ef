package io.gptq4j.engine.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects tensors and writes them as one safetensors file: F32, F16 and I32 data in insertion
 * order, the JSON header padded with spaces to a multiple of 8 bytes so that the data starts
 * 8-byte aligned. The file is written atomically (temporary file, then rename). Arrays are
 * referenced, not copied, and must not change before {@link #write} runs.
 */
public final class SafeTensorsWriter {
    private static final int CHUNK_BYTES = 1 << 20;

    private record Entry(SafeTensors.DType dtype, long[] shape, Object data, int length) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a float32 tensor. */
    public SafeTensorsWriter addF32(String name, float[] data, long... shape) {
        return add(name, SafeTensors.DType.F32, shape, data, data.length);
    }

    /** Adds a tensor stored as binary16, converting each value with round-to-nearest-even. */
    public SafeTensorsWriter addF16(String name, float[] data, long... shape) {
        short[] bits = new short[data.length];
        for (int i = 0; i < data.length; i++) {
            bits[i] = Half.fromFloat(data[i]);
        }
        return addF16Bits(name, bits, shape);
    }

    /** Adds a binary16 tensor given as raw bits. */
    public SafeTensorsWriter addF16Bits(String name, short[] bits, long... shape) {
        return add(name, SafeTensors.DType.F16, shape, bits, bits.length);
    }

    /** Adds an int32 tensor. */
    public SafeTensorsWriter addI32(String name, int[] data, long... shape) {
        return add(name, SafeTensors.DType.I32, shape, data, data.length);
    }

    /** Adds a string entry to the header's {@code __metadata__}. */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Names of the tensors added so far, in order. */
    public Iterable<String> names() {
        return entries.keySet();
    }

    private SafeTensorsWriter add(String name, SafeTensors.DType dtype, long[] shape, Object data, int length) {
        if (name.equals("__metadata__") || entries.containsKey(name)) {
            throw new IllegalArgumentException("tensor name '" + name + "' is reserved or already added");
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has negative dimension in shape "
                        + java.util.Arrays.toString(shape));
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (elements != length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + length + " values but shape "
                    + java.util.Arrays.toString(shape) + " needs " + elements);
        }
        entries.put(name, new Entry(dtype, shape.clone(), data, length));
        return this;
    }

    /** Writes the file atomically, replacing an existing file of that name. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeFile(file, this::writeDirect);
    }

    /** Writes the file in place, without the temporary-file step; for use inside an atomically built directory. */
    public void writeDirect(Path file) throws IOException {
        byte[] header = header();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries.values()) {
                writeData(ch, buf, e);
            }
            ch.force(true);
        }
    }

    private byte[] header() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            ObjectNode t = root.putObject(me.getKey());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            long bytes = (long) e.length() * e.dtype().bytes();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeData(FileChannel ch, ByteBuffer buf, Entry e) throws IOException {
        buf.clear();
        int perChunk = CHUNK_BYTES / e.dtype().bytes();
        for (int start = 0; start < e.length(); start += perChunk) {
            int n = Math.min(perChunk, e.length() - start);
            buf.clear();
            switch (e.dtype()) {
                case F32 -> buf.asFloatBuffer().put((float[]) e.data(), start, n);
                case F16 -> buf.asShortBuffer().put((short[]) e.data(), start, n);
                case I32 -> buf.asIntBuffer().put((int[]) e.data(), start, n);
                default -> throw new IllegalStateException("unsupported dtype " + e.dtype());
            }
            buf.limit(n * e.dtype().bytes());
            writeFully(ch, buf);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
