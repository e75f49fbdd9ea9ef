package io.gptq4j.engine.io;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader for the safetensors format: a little-endian u64 header length N, N bytes of JSON
 * describing each tensor's dtype, shape and byte range, then the raw little-endian data.
 * The header is validated before any tensor is touched, and tensor bytes are memory-mapped,
 * one tensor at a time, so files larger than 2 GiB load.
 */
public final class SafeTensors {
    /** Headers larger than this are rejected before allocation; real headers are a few MB at most. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Rejects duplicate keys: with last-wins parsing, two entries for one tensor would go unnoticed. */
    private static final ObjectMapper HEADER_MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Element types with their size in bytes. */
    public enum DType {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /** One tensor's header entry; offsets are absolute positions in the file. */
    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path file;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens a file and validates its header: length bound, JSON shape, known dtypes, non-negative
     * shapes whose byte count matches the byte range, ranges inside the file and not overlapping.
     *
     * @throws ModelFormatException naming the file and the offending tensor
     */
    public static SafeTensors open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(file, "file is " + size + " bytes, too short for a safetensors header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw new ModelFormatException(file, "invalid safetensors header length " + Long.toUnsignedString(headerLen)
                        + " (file has " + size + " bytes, limit " + MAX_HEADER_BYTES + "); the file is truncated or not safetensors");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = HEADER_MAPPER.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ModelFormatException(file, "safetensors header is not valid JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(file, "safetensors header is not a JSON object");
            }
            return parseHeader(file, root, 8 + headerLen, size);
        }
    }

    private static SafeTensors parseHeader(Path file, JsonNode root, long dataStart, long fileSize) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String name = e.getKey();
            JsonNode node = e.getValue();
            if (name.equals("__metadata__")) {
                parseMetadata(file, node, metadata);
                continue;
            }
            tensors.put(name, parseTensor(file, name, node, dataStart, fileSize));
        }
        checkNoOverlap(file, tensors);
        return new SafeTensors(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void parseMetadata(Path file, JsonNode node, Map<String, String> metadata) {
        if (!node.isObject()) {
            throw new ModelFormatException(file, "safetensors __metadata__ must be a JSON object of strings, got " + node.getNodeType());
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new ModelFormatException(file, "safetensors __metadata__ value of '" + m.getKey()
                        + "' must be a string, got " + m.getValue());
            }
            metadata.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataStart, long fileSize) {
        if (!node.isObject()) {
            throw new ModelFormatException(file, "tensor '" + name + "' header entry must be a JSON object, got " + node);
        }
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || offsets == null || !dtypeNode.isTextual() || !shapeNode.isArray()
                || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelFormatException(file, "tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(dtypeNode.asText());
        } catch (IllegalArgumentException ex) {
            throw new ModelFormatException(file, "tensor '" + name + "' has unsupported dtype '" + dtypeNode.asText()
                    + "'; supported: " + List.of(DType.values()));
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new ModelFormatException(file, "tensor '" + name + "' has invalid dimension " + d + " in shape " + shapeNode);
            }
            shape[i] = d.asLong();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(file, "tensor '" + name + "' shape " + shapeNode + " overflows");
            }
        }
        JsonNode b = offsets.get(0);
        JsonNode en = offsets.get(1);
        if (!b.isIntegralNumber() || !en.isIntegralNumber() || !b.canConvertToLong() || !en.canConvertToLong()
                || b.asLong() < 0 || en.asLong() < b.asLong()) {
            throw new ModelFormatException(file, "tensor '" + name + "' has invalid data_offsets " + offsets);
        }
        long begin = b.asLong();
        long end = en.asLong();
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(file, "tensor '" + name + "' byte size overflows");
        }
        if (end - begin != expectedBytes) {
            throw new ModelFormatException(file, "tensor '" + name + "' declares " + dtype + " " + shapeNode + " ("
                    + expectedBytes + " bytes) but its data_offsets span " + (end - begin) + " bytes");
        }
        if (end > fileSize - dataStart) {
            throw new ModelFormatException(file, "tensor '" + name + "' ends at data offset " + end
                    + ", past the end of the file (" + (fileSize - dataStart) + " data bytes); the file is truncated");
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    private static void checkNoOverlap(Path file, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end() && cur.end() > cur.begin()) {
                throw new ModelFormatException(file, "tensors '" + prev.name() + "' and '" + cur.name() + "' overlap");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    public Path file() {
        return file;
    }

    /** Tensor entries in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Returns the header entry of a tensor, or throws naming the file and the missing tensor. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(file, "missing tensor '" + name + "'");
        }
        return t;
    }

    /** Maps a tensor's bytes read-only, little-endian. */
    public ByteBuffer map(String name) throws IOException {
        TensorInfo t = info(name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, t.begin(), t.end() - t.begin()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Reads a F32, F16 or BF16 tensor as float32 values in row-major order. */
    public float[] floats(String name) throws IOException {
        TensorInfo t = info(name);
        ByteBuffer b = map(name);
        float[] out = new float[checkedLength(t)];
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Half.toFloat(b.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Half.bf16ToFloat(b.getShort(2 * i));
                }
            }
            default -> throw new ModelFormatException(file, "tensor '" + name + "' is " + t.dtype()
                    + ", expected a floating-point dtype (F32, F16, BF16)");
        }
        return out;
    }

    /** Reads an F16 tensor as raw binary16 bits in row-major order. */
    public short[] halfBits(String name) throws IOException {
        TensorInfo t = info(name);
        if (t.dtype() != DType.F16) {
            throw new ModelFormatException(file, "tensor '" + name + "' is " + t.dtype() + ", expected F16");
        }
        short[] out = new short[checkedLength(t)];
        map(name).asShortBuffer().get(out);
        return out;
    }

    private int checkedLength(TensorInfo t) {
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file, "tensor '" + t.name() + "' has " + n + " elements, more than a Java array can contain; this reader cannot load it");
        }
        return (int) n;
    }

    /** Reads an I32 tensor in row-major order. */
    public int[] ints(String name) throws IOException {
        TensorInfo t = info(name);
        if (t.dtype() != DType.I32) {
            throw new ModelFormatException(file, "tensor '" + name + "' is " + t.dtype() + ", expected I32");
        }
        int[] out = new int[checkedLength(t)];
        map(name).asIntBuffer().get(out);
        return out;
    }
}
