package io.gptq4j.kernel.protocol;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An output stream that sends what a cell prints as Jupyter {@code stream} messages. Text is
 * coalesced: a flush publishes at once unless the previous message went out less than
 * {@link #COALESCE_MILLIS} ago, in which case one delayed publish carries everything since.
 * A UTF-8 sequence split across writes is held back until complete.
 */
public final class StreamPublisher extends OutputStream {

    /** Minimum gap between two stream messages of one stream, in milliseconds. */
    static final long COALESCE_MILLIS = 50;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gptq4j-stream-flush");
        thread.setDaemon(true);
        return thread;
    });

    private final Consumer<String> publish;
    private byte[] buffer = new byte[256];
    private int size;
    private long lastPublishNanos;
    private boolean flushScheduled;

    public StreamPublisher(Consumer<String> publish) {
        this.publish = publish;
    }

    @Override
    public synchronized void write(int b) {
        ensureCapacity(size + 1);
        buffer[size++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        ensureCapacity(size + length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }

    @Override
    public synchronized void flush() {
        long sinceLast = System.nanoTime() - lastPublishNanos;
        if (sinceLast >= TimeUnit.MILLISECONDS.toNanos(COALESCE_MILLIS)) {
            publishPending();
        } else if (!flushScheduled) {
            flushScheduled = true;
            TIMER.schedule(this::scheduledFlush, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void scheduledFlush() {
        flushScheduled = false;
        publishPending();
    }

    /** Publishes everything written so far, now; called at the end of a cell. */
    public synchronized void publishPending() {
        int complete = completeUtf8Length();
        if (complete == 0) {
            return;
        }
        String text = new String(buffer, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(buffer, complete, buffer, 0, size - complete);
        size -= complete;
        lastPublishNanos = System.nanoTime();
        publish.accept(text);
    }

    /** Length of the buffer prefix that does not end inside a multi-byte UTF-8 sequence. */
    private int completeUtf8Length() {
        for (int back = 1; back <= Math.min(3, size); back++) {
            int b = buffer[size - back] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                int sequenceLength = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return sequenceLength > back ? size - back : size;
            }
        }
        return size;
    }
}
