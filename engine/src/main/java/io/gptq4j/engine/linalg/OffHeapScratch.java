package io.gptq4j.engine.linalg;

import org.bytedeco.javacpp.FloatPointer;

/**
 * Per-thread off-heap float buffers that {@link OpenBlas} copies its operands into. A buffer
 * grows to the largest request seen on its thread and is kept for the thread's lifetime, so a
 * loop of same-sized calls allocates once instead of paying for allocation and first-touch page
 * faults on every call.
 *
 * <p>NOTE: a thread keeps up to three buffers as large as its largest operands (for a 4096 x 11008
 * weight, about 180 MB each) until it ends; JavaCPP frees them when the thread's scratch becomes
 * unreachable.
 */
final class OffHeapScratch {
    private static final int SLOTS = 3;
    private static final ThreadLocal<OffHeapScratch> PER_THREAD = ThreadLocal.withInitial(OffHeapScratch::new);

    private final FloatPointer[] buffers = new FloatPointer[SLOTS];

    private OffHeapScratch() {
    }

    static OffHeapScratch get() {
        return PER_THREAD.get();
    }

    /** Returns slot's buffer with room for at least {@code size} floats, positioned at 0; contents are undefined. */
    FloatPointer buffer(int slot, long size) {
        long needed = Math.max(1L, size);
        FloatPointer p = buffers[slot];
        if (p == null || p.capacity() < needed) {
            if (p != null) {
                p.close();
            }
            p = new FloatPointer(needed);
            buffers[slot] = p;
        }
        return p.position(0);
    }
}
