package io.gptq4j.engine.io;

/** Types of GGUF metadata values, with their type ids as stored in the file. */
enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1),
    STRING(8), ARRAY(12), UINT64(8), INT64(8), FLOAT64(8);

    /** Smallest number of bytes one value of this type occupies; bounds array lengths before allocation. */
    private final int minBytes;

    GgufValueType(int minBytes) {
        this.minBytes = minBytes;
    }

    int minBytes() {
        return minBytes;
    }

    /** Returns the type with this id (its ordinal), or null for an unknown id. */
    static GgufValueType byId(int id) {
        GgufValueType[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }
}
