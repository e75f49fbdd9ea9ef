package io.gptq4j.engine.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for GGUF versions 2 and 3 (little-endian): header, metadata and tensor directory.
 * Every count and length is checked against the bytes left in the file before anything is
 * allocated, and no two tensors may share data bytes, so a corrupt file fails with a
 * {@link ModelFormatException} naming the field or the tensors.
 *
 * <p>Layout: magic {@code GGUF}, u32 version, u64 tensor count, u64 metadata count, the
 * metadata entries (u64-length key, u32 value type, value), the tensor entries (name, u32 number
 * of dimensions, u64 dimensions, u32 ggml type, u64 offset relative to the data section), padding
 * to {@code general.alignment}, then the tensor data.
 */
public final class GgufReader {
    /** "GGUF" read as a little-endian u32. */
    static final int MAGIC = 0x46554747;
    static final long DEFAULT_ALIGNMENT = 32;
    /** ggml tensors have at most four dimensions (GGML_MAX_DIMS). */
    private static final int MAX_DIMS = 4;
    /** Smallest tensor entry: empty name (8), dimension count (4), type (4), offset (8). */
    private static final int MIN_TENSOR_INFO_BYTES = 24;
    /** Smallest metadata entry: empty key (8), value type (4), one-byte value. */
    private static final int MIN_KV_BYTES = 13;

    private GgufReader() {
    }

    /** Returns true when the first four bytes are the GGUF magic. */
    public static boolean hasMagic(byte[] head) {
        return head.length >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F';
    }

    /**
     * Opens and validates a GGUF file. Tensor data is not read.
     *
     * @throws ModelFormatException naming the file and the offending field or tensor
     */
    public static GgufFile open(Path file) throws IOException {
        try (FileCursor in = new FileCursor(file)) {
            in.context("the magic");
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new ModelFormatException(file, String.format(
                        "not a GGUF file: the first four bytes are %08x, expected the magic 'GGUF'", Integer.reverseBytes(magic)));
            }
            in.context("the version");
            int version = in.readInt();
            if (version != 2 && version != 3) {
                String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                        ? "; this looks like a big-endian GGUF, which is not supported"
                        : version == 1 ? "; GGUF v1 is obsolete, convert the model again with a current llama.cpp" : "";
                throw new ModelFormatException(file, "unsupported GGUF version " + Integer.toUnsignedString(version)
                        + ", expected 2 or 3" + hint);
            }
            in.context("the tensor count");
            long tensorCount = in.readLong();
            in.context("the metadata count");
            long kvCount = in.readLong();
            checkCount(in, "metadata entries", kvCount, MIN_KV_BYTES);
            Map<String, Object> metadata = readMetadata(in, (int) kvCount);
            checkCount(in, "tensors", tensorCount, MIN_TENSOR_INFO_BYTES);
            long alignment = alignment(file, metadata);
            Map<String, RawTensorInfo> raw = readTensorInfos(in, (int) tensorCount);
            long dataStart = alignUp(in.position(), alignment);
            Map<String, GgufTensorInfo> tensors = placeTensors(file, raw, dataStart, alignment, in.size());
            return new GgufFile(file, version, alignment, dataStart, metadata, tensors);
        }
    }

    private record RawTensorInfo(String name, long[] dims, GgmlType type, long relativeOffset, long bytes) {
    }

    private static Map<String, Object> readMetadata(FileCursor in, int count) throws IOException {
        Map<String, Object> metadata = new HashMap<>();
        GgufValueReader values = new GgufValueReader(in);
        for (int i = 0; i < count; i++) {
            in.context("the key of metadata entry " + i);
            String key = values.readString();
            in.context("metadata '" + key + "'");
            Object value = values.readValue(in.readInt());
            if (metadata.put(key, value) != null) {
                throw new ModelFormatException(in.file(), "metadata key '" + key + "' appears twice");
            }
        }
        return metadata;
    }

    private static Map<String, RawTensorInfo> readTensorInfos(FileCursor in, int count) throws IOException {
        Map<String, RawTensorInfo> infos = new LinkedHashMap<>();
        GgufValueReader values = new GgufValueReader(in);
        for (int i = 0; i < count; i++) {
            in.context("the name of tensor entry " + i);
            String name = values.readString();
            in.context("the entry of tensor '" + name + "'");
            int nDims = in.readInt();
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw new ModelFormatException(in.file(), "tensor '" + name + "' declares " + Integer.toUnsignedString(nDims)
                        + " dimensions; ggml allows 1 to " + MAX_DIMS);
            }
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.readLong();
            }
            int typeId = in.readInt();
            long offset = in.readLong();
            GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) {
                throw new ModelFormatException(in.file(), "tensor '" + name + "' has ggml type "
                        + GgmlType.describeId(Integer.toUnsignedLong(typeId)) + ", which this reader does not support; supported: "
                        + GgmlType.supportedList() + ". Convert the model to F16, F32 or Q8_0 with llama.cpp");
            }
            long bytes = tensorBytes(in, name, dims, type);
            if (infos.put(name, new RawTensorInfo(name, dims, type, offset, bytes)) != null) {
                throw new ModelFormatException(in.file(), "tensor '" + name + "' appears twice in the tensor directory");
            }
        }
        return infos;
    }

    /** Byte size of a tensor, rejecting negative dimensions, overflow and partial blocks. */
    private static long tensorBytes(FileCursor in, String name, long[] dims, GgmlType type) {
        long elements = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new ModelFormatException(in.file(), "tensor '" + name + "' has an invalid dimension "
                        + Long.toUnsignedString(d));
            }
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(in.file(), "tensor '" + name + "' declares a tensor larger than the file: dims "
                        + java.util.Arrays.toString(dims) + " overflow");
            }
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new ModelFormatException(in.file(), "tensor '" + name + "' is " + type + " with ne0 = " + dims[0]
                    + ", which is not a multiple of the block size " + type.blockSize());
        }
        long blocks = elements / type.blockSize();
        if (blocks > Long.MAX_VALUE / type.blockBytes()) {
            throw new ModelFormatException(in.file(), "tensor '" + name + "' declares a tensor larger than the file");
        }
        return blocks * type.blockBytes();
    }

    private static Map<String, GgufTensorInfo> placeTensors(Path file, Map<String, RawTensorInfo> raw,
            long dataStart, long alignment, long fileSize) {
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (RawTensorInfo t : raw.values()) {
            if (t.relativeOffset() < 0 || t.relativeOffset() % alignment != 0) {
                throw new ModelFormatException(file, "tensor '" + t.name() + "' has data offset "
                        + Long.toUnsignedString(t.relativeOffset()) + ", which is not a multiple of the alignment " + alignment);
            }
            long available = fileSize - dataStart;
            if (t.relativeOffset() > available || t.bytes() > available - t.relativeOffset()) {
                throw new ModelFormatException(file, "tensor '" + t.name() + "' (" + t.type() + " "
                        + java.util.Arrays.toString(t.dims()) + ", " + t.bytes() + " bytes at data offset " + t.relativeOffset()
                        + ") declares a tensor larger than the file: its data would end at byte "
                        + (dataStart + t.relativeOffset() + t.bytes()) + " but the file has " + fileSize
                        + " bytes; the file is truncated or corrupt");
            }
            tensors.put(t.name(), new GgufTensorInfo(t.name(), t.dims(), t.type(), dataStart + t.relativeOffset(), t.bytes()));
        }
        checkNoOverlap(file, tensors.values());
        return java.util.Collections.unmodifiableMap(tensors);
    }

    /**
     * Rejects tensors that share data bytes, because each tensor owns its data and shared bytes
     * mean a damaged tensor directory. Sorted by offset, any overlap shows between neighbours.
     * Empty tensors are skipped.
     */
    private static void checkNoOverlap(Path file, Collection<GgufTensorInfo> tensors) {
        List<GgufTensorInfo> sorted = new ArrayList<>();
        for (GgufTensorInfo t : tensors) {
            if (t.bytes() > 0) {
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            GgufTensorInfo previous = sorted.get(i - 1);
            GgufTensorInfo current = sorted.get(i);
            if (current.offset() < previous.offset() + previous.bytes()) {
                throw new ModelFormatException(file, "tensors '" + previous.name() + "' (" + byteRange(previous)
                        + ") and '" + current.name() + "' (" + byteRange(current)
                        + ") overlap; the tensor directory is corrupt, convert the model again");
            }
        }
    }

    private static String byteRange(GgufTensorInfo t) {
        return "file bytes " + t.offset() + " to " + (t.offset() + t.bytes());
    }

    private static long alignment(Path file, Map<String, Object> metadata) {
        Object value = metadata.get("general.alignment");
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        long alignment = value instanceof Number n ? n.longValue() : -1;
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new ModelFormatException(file, "metadata 'general.alignment' is " + value
                    + ", expected a positive power of two");
        }
        return alignment;
    }

    /** Rejects a count that the rest of the file cannot hold, before anything is allocated for it. */
    private static void checkCount(FileCursor in, String itemName, long count, int minBytesEach) {
        if (count < 0 || count > in.remaining() / minBytesEach) {
            throw new ModelFormatException(in.file(), "the header declares " + Long.toUnsignedString(count) + " " + itemName
                    + ", more than the remaining " + in.remaining() + " bytes of the file can hold; the file is corrupt");
        }
    }

    static long alignUp(long position, long alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }
}
