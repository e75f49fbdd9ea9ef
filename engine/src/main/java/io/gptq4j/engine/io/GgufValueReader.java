package io.gptq4j.engine.io;

import java.io.IOException;

/** Reads GGUF metadata values (scalars, strings and arrays) from a {@link FileCursor}. */
final class GgufValueReader {
    /** Deepest nesting of arrays accepted; real files nest at most one level, and the bound keeps recursion shallow. */
    private static final int MAX_ARRAY_DEPTH = 8;

    private final FileCursor in;
    private int arrayDepth;

    GgufValueReader(FileCursor in) {
        this.in = in;
    }

    /** Reads a u64-length-prefixed UTF-8 string, rejecting lengths past the end of the file. */
    String readString() throws IOException {
        long length = in.readLong();
        if (length < 0 || length > in.remaining() || length > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(in.file(), "reading " + in.context() + ": string length "
                    + Long.toUnsignedString(length) + " at offset " + (in.position() - 8) + " is larger than the remaining "
                    + in.remaining() + " bytes of the file; the file is truncated or corrupt");
        }
        return in.readUtf8((int) length);
    }

    /** Reads one value of the type with this id. */
    Object readValue(int typeId) throws IOException {
        GgufValueType type = type(typeId);
        return switch (type) {
            case UINT8 -> in.readByte() & 0xFF;
            case INT8 -> (int) in.readByte();
            case UINT16 -> readShort() & 0xFFFF;
            case INT16 -> (int) readShort();
            case UINT32 -> Integer.toUnsignedLong(in.readInt());
            case INT32 -> in.readInt();
            case FLOAT32 -> in.readFloat();
            case BOOL -> readBool();
            case STRING -> readString();
            // NOTE: a UINT64 above Long.MAX_VALUE is returned as a negative long.
            case UINT64, INT64 -> in.readLong();
            case FLOAT64 -> in.readDouble();
            case ARRAY -> readNestedArray();
        };
    }

    private Object readNestedArray() throws IOException {
        if (++arrayDepth > MAX_ARRAY_DEPTH) {
            throw new ModelFormatException(in.file(), "reading " + in.context() + ": arrays nested more than "
                    + MAX_ARRAY_DEPTH + " levels deep at offset " + in.position() + "; the file is corrupt");
        }
        try {
            return readArray();
        } finally {
            arrayDepth--;
        }
    }

    private Object readArray() throws IOException {
        GgufValueType elementType = type(in.readInt());
        long length = in.readLong();
        if (length < 0 || length > in.remaining() / elementType.minBytes()) {
            throw new ModelFormatException(in.file(), "reading " + in.context() + ": array of "
                    + Long.toUnsignedString(length) + " " + elementType + " values needs more than the remaining "
                    + in.remaining() + " bytes of the file; the file is truncated or corrupt");
        }
        int n = (int) length;
        switch (elementType) {
            case UINT8, INT8, UINT16, INT16, INT32 -> {
                int[] values = new int[n];
                for (int i = 0; i < n; i++) {
                    values[i] = (Integer) readValue(elementType.ordinal());
                }
                return values;
            }
            case UINT32, UINT64, INT64 -> {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    values[i] = ((Number) readValue(elementType.ordinal())).longValue();
                }
                return values;
            }
            case FLOAT32 -> {
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = in.readFloat();
                }
                return values;
            }
            case FLOAT64 -> {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    values[i] = in.readDouble();
                }
                return values;
            }
            case BOOL -> {
                boolean[] values = new boolean[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readBool();
                }
                return values;
            }
            case STRING -> {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readString();
                }
                return values;
            }
            default -> {
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    values[i] = readNestedArray();
                }
                return values;
            }
        }
    }

    private GgufValueType type(int typeId) {
        GgufValueType type = GgufValueType.byId(typeId);
        if (type == null) {
            throw new ModelFormatException(in.file(), "reading " + in.context() + ": unknown metadata value type "
                    + Integer.toUnsignedString(typeId) + " at offset " + (in.position() - 4) + "; valid types are 0 to 12");
        }
        return type;
    }

    private short readShort() throws IOException {
        int lo = in.readByte() & 0xFF;
        int hi = in.readByte() & 0xFF;
        return (short) (lo | hi << 8);
    }

    private boolean readBool() throws IOException {
        byte b = in.readByte();
        if (b != 0 && b != 1) {
            throw new ModelFormatException(in.file(), "reading " + in.context() + ": BOOL value " + (b & 0xFF)
                    + " at offset " + (in.position() - 1) + " is neither 0 nor 1");
        }
        return b == 1;
    }
}
