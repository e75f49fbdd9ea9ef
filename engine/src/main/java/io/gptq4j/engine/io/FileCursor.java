package io.gptq4j.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sequential little-endian reads from a file through a small buffer. Every read checks the file
 * size first, so a truncated file fails with a {@link ModelFormatException} that names the
 * offset and the item being read (set with {@link #context}) instead of an EOF error.
 */
final class FileCursor implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** Absolute file position of buffer index 0. */
    private long bufferStart;
    private String context = "header";

    FileCursor(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
        buffer.limit(0);
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    long position() {
        return bufferStart + buffer.position();
    }

    long remaining() {
        return size - position();
    }

    /** Names the item that the next reads belong to, for truncation messages. */
    void context(String description) {
        this.context = description;
    }

    String context() {
        return context;
    }

    byte readByte() throws IOException {
        ensure(1);
        return buffer.get();
    }

    int readInt() throws IOException {
        ensure(4);
        return buffer.getInt();
    }

    long readLong() throws IOException {
        ensure(8);
        return buffer.getLong();
    }

    float readFloat() throws IOException {
        ensure(4);
        return buffer.getFloat();
    }

    double readDouble() throws IOException {
        ensure(8);
        return buffer.getDouble();
    }

    /** Reads {@code length} bytes as UTF-8; the caller has checked that the length is sane. */
    String readUtf8(int length) throws IOException {
        requireAvailable(length);
        if (length <= BUFFER_BYTES) {
            ensure(length);
            String s = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
            buffer.position(buffer.position() + length);
            return s;
        }
        byte[] bytes = new byte[length];
        ByteBuffer target = ByteBuffer.wrap(bytes);
        long pos = position();
        while (target.hasRemaining()) {
            if (channel.read(target, pos + target.position()) < 0) {
                throw truncated(length);
            }
        }
        seek(pos + length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    void seek(long position) {
        bufferStart = position;
        buffer.clear().limit(0);
    }

    /** Throws a truncation error unless {@code count} more bytes exist in the file. */
    void requireAvailable(long count) {
        if (count > remaining()) {
            throw truncated(count);
        }
    }

    ModelFormatException truncated(long needed) {
        return new ModelFormatException(file, "file is truncated: reading " + context + " needs " + needed
                + " bytes at offset " + position() + ", but the file has " + size
                + " bytes; download or convert the file again");
    }

    private void ensure(int count) throws IOException {
        if (buffer.remaining() >= count) {
            return;
        }
        requireAvailable(count);
        long pos = position();
        bufferStart = pos;
        buffer.clear();
        while (buffer.position() < count) {
            if (channel.read(buffer, bufferStart + buffer.position()) < 0) {
                throw truncated(count);
            }
        }
        buffer.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
