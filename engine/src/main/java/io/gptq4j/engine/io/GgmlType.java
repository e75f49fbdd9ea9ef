package io.gptq4j.engine.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The ggml tensor types this reader dequantizes, with their ggml type ids and block layout.
 * A block holds {@code blockSize} elements in {@code blockBytes} bytes.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    /** Blocks of 32: a binary16 scale followed by 32 int8 values; value = scale * q. */
    Q8_0(8, 32, 34),
    BF16(30, 1, 2);

    /** ggml type names by id (ggml.h, llama.cpp 2024), used to name unsupported types in messages. */
    private static final String[] ALL_NAMES = {
        "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
        "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
        "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"
    };

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int id() {
        return id;
    }

    /** Elements per block; a tensor's innermost dimension (ne0) must be a multiple of it. */
    public int blockSize() {
        return blockSize;
    }

    public int blockBytes() {
        return blockBytes;
    }

    /** Returns the type with this ggml id, or null when this reader does not support it. */
    static GgmlType byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** Names an id for messages, e.g. {@code 12 (Q4_K)}. */
    static String describeId(long id) {
        if (id >= 0 && id < ALL_NAMES.length) {
            return id + " (" + ALL_NAMES[(int) id] + ")";
        }
        return Long.toString(id);
    }

    /** Lists the supported types for messages, e.g. {@code F32 (0), F16 (1), ...}. */
    static String supportedList() {
        return Arrays.stream(values()).map(t -> t.name() + " (" + t.id + ")").collect(Collectors.joining(", "));
    }
}
