package io.gptq4j.engine.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes F32 and I32 tensors in the safetensors format (header padded with spaces to a multiple
 * of 8 bytes). The file is written to a temporary sibling and moved into place, so readers never
 * see a partial file.
 */
public final class SafeTensorsWriter {
    private record Entry(String dtype, long[] shape, Object data) {
        long bytes() {
            return data instanceof float[] f ? 4L * f.length : 4L * ((int[]) data).length;
        }
    }

    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a float32 tensor; the array is not copied and must not change before {@link #write}. */
    public SafeTensorsWriter addF32(String name, float[] data, long... shape) {
        return add(name, "F32", shape, data, data.length);
    }

    /** Adds an int32 tensor; the array is not copied and must not change before {@link #write}. */
    public SafeTensorsWriter addI32(String name, int[] data, long... shape) {
        return add(name, "I32", shape, data, data.length);
    }

    /** Adds a string entry to the {@code __metadata__} map. */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private SafeTensorsWriter add(String name, String dtype, long[] shape, Object data, int length) {
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        if (elements != length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + length + " elements but shape "
                    + Arrays.toString(shape));
        }
        if (name.equals("__metadata__") || tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate or reserved tensor name '" + name + "'");
        }
        tensors.put(name, new Entry(dtype, shape.clone(), data));
        return this;
    }

    /** Writes all tensors to {@code file}, replacing it atomically where the file system allows. */
    public void write(Path file) throws IOException {
        byte[] header = header();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Entry e : tensors.values()) {
                    writeData(ch, e.data());
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private byte[] header() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            ObjectNode t = root.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long end = offset + e.getValue().bytes();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeData(FileChannel ch, Object data) throws IOException {
        int chunk = 1 << 18;
        ByteBuffer buf = ByteBuffer.allocate(4 * chunk).order(ByteOrder.LITTLE_ENDIAN);
        int length = data instanceof float[] f ? f.length : ((int[]) data).length;
        for (int start = 0; start < length; start += chunk) {
            int n = Math.min(chunk, length - start);
            buf.clear();
            if (data instanceof float[] f) {
                buf.asFloatBuffer().put(f, start, n);
            } else {
                buf.asIntBuffer().put((int[]) data, start, n);
            }
            buf.limit(4 * n);
            writeFully(ch, buf);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
