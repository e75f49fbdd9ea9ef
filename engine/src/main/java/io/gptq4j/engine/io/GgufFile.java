package io.gptq4j.engine.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A parsed GGUF file: metadata and tensor directory. Tensor data stays on disk and is
 * memory-mapped one tensor at a time by {@link #floats(String)}. Open one with {@link GgufReader#open}.
 *
 * <p>Metadata values are Java objects: integers up to 32 bits as {@code Integer} (UINT8 and UINT16
 * widened without sign), UINT32, INT64 and UINT64 as {@code Long}, FLOAT32 as {@code Float},
 * FLOAT64 as {@code Double}, BOOL as {@code Boolean}, STRING as {@code String}. Arrays are
 * {@code int[]} (integer types up to 32 bits, except UINT32), {@code long[]} (UINT32, INT64, UINT64),
 * {@code float[]}, {@code double[]}, {@code boolean[]}, {@code String[]} or {@code Object[]} for
 * arrays of arrays.
 */
public final class GgufFile {
    private final Path file;
    private final int version;
    private final long alignment;
    private final long dataStart;
    private final Map<String, Object> metadata;
    private final Map<String, GgufTensorInfo> tensors;

    GgufFile(Path file, int version, long alignment, long dataStart,
            Map<String, Object> metadata, Map<String, GgufTensorInfo> tensors) {
        this.file = file;
        this.version = version;
        this.alignment = alignment;
        this.dataStart = dataStart;
        this.metadata = Map.copyOf(metadata);
        this.tensors = tensors;
    }

    public Path file() {
        return file;
    }

    /** GGUF format version, 2 or 3. */
    public int version() {
        return version;
    }

    /** Alignment of tensor data in bytes ({@code general.alignment}, 32 when absent). */
    public long alignment() {
        return alignment;
    }

    /** Absolute offset where the tensor data section starts. */
    public long dataStart() {
        return dataStart;
    }

    /** All metadata entries, unordered. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Tensor entries in file order. */
    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    public boolean hasKey(String key) {
        return metadata.containsKey(key);
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /** Returns a tensor's entry, or throws naming the file and the missing tensor. */
    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new ModelFormatException(file, "missing tensor '" + name + "'");
        }
        return info;
    }

    /** Reads a tensor as float32 values, dequantizing if needed; ne0 varies fastest. */
    public float[] floats(String name) throws IOException {
        return TensorData.readFloats(file, tensor(name));
    }

    /** Returns an integer-valued key that must be present and fit in an int. */
    public int requireInt(String key) {
        Object value = require(key);
        return toInt(key, value);
    }

    /** Returns an integer-valued key, or {@code defaultValue} when it is absent. */
    public int intOr(String key, int defaultValue) {
        Object value = metadata.get(key);
        return value == null ? defaultValue : toInt(key, value);
    }

    /** Returns a float-valued key (FLOAT32, FLOAT64 or an integer type), or {@code defaultValue}. */
    public float floatOr(String key, float defaultValue) {
        Object value = metadata.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n) {
            return n.floatValue();
        }
        throw wrongType(key, value, "a number");
    }

    /** Returns a BOOL key, or {@code defaultValue} when it is absent. */
    public boolean boolOr(String key, boolean defaultValue) {
        Object value = metadata.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, value, "a BOOL");
    }

    /** Returns a STRING key, or null when it is absent. */
    public String stringOrNull(String key) {
        Object value = metadata.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw wrongType(key, value, "a STRING");
    }

    /** Returns an array-valued key of the given Java array type, or throws naming the key. */
    public <T> T requireArray(String key, Class<T> arrayType) {
        Object value = require(key);
        if (!arrayType.isInstance(value)) {
            throw wrongType(key, value, "an array of " + arrayType.getComponentType().getSimpleName());
        }
        return arrayType.cast(value);
    }

    private Object require(String key) {
        Object value = metadata.get(key);
        if (value == null) {
            throw new ModelFormatException(file, "missing metadata key '" + key + "'");
        }
        return value;
    }

    private int toInt(String key, Object value) {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        throw wrongType(key, value, "an integer in int range");
    }

    private ModelFormatException wrongType(String key, Object value, String expected) {
        String actual = value.getClass().isArray() ? "an array" : value.getClass().getSimpleName() + " " + value;
        return new ModelFormatException(file, "metadata key '" + key + "' is " + actual + ", expected " + expected);
    }
}
