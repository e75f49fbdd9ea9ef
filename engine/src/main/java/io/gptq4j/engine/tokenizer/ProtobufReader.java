package io.gptq4j.engine.tokenizer;

import io.gptq4j.engine.io.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Minimal reader of the protobuf wire format over a byte array: tags, varints, fixed32 values
 * and length-delimited fields, with every length checked against the enclosing message.
 */
final class ProtobufReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final Path file;
    private final byte[] data;
    private int position;
    private final int limit;

    ProtobufReader(Path file, byte[] data, int start, int limit) {
        this.file = file;
        this.data = data;
        this.position = start;
        this.limit = limit;
    }

    boolean hasMore() {
        return position < limit;
    }

    /** Reads a field tag; the field number is {@code tag >>> 3} and the wire type {@code tag & 7}. */
    int readTag() {
        long tag = readVarint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw invalid("invalid field tag " + tag);
        }
        return (int) tag;
    }

    long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = next();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw invalid("varint longer than 10 bytes");
    }

    float readFixed32Float() {
        int bits = 0;
        for (int i = 0; i < 4; i++) {
            bits |= (next() & 0xFF) << (8 * i);
        }
        return Float.intBitsToFloat(bits);
    }

    /** Returns a reader over the next length-delimited field and skips past it. */
    ProtobufReader readMessage() {
        int length = readLength();
        ProtobufReader sub = new ProtobufReader(file, data, position, position + length);
        position += length;
        return sub;
    }

    String readString() {
        int length = readLength();
        String s = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return s;
    }

    /** Skips a field of the given wire type. */
    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw invalid("unsupported wire type " + wireType);
        }
    }

    private int readLength() {
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw invalid("field length " + length + " exceeds the " + (limit - position) + " bytes left in its message");
        }
        return (int) length;
    }

    private void advance(int n) {
        if (n > limit - position) {
            throw invalid("field of " + n + " bytes exceeds its message");
        }
        position += n;
    }

    private byte next() {
        if (position >= limit) {
            throw invalid("message ends in the middle of a field");
        }
        return data[position++];
    }

    ModelFormatException invalid(String problem) {
        return new ModelFormatException(file, "invalid SentencePiece model protobuf at byte " + position + ": " + problem
                + "; the file is truncated or not a .model file");
    }
}
