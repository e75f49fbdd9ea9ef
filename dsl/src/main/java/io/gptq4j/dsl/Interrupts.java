package io.gptq4j.dsl;

import java.util.concurrent.CancellationException;

/** Turns a thread interrupt (the notebook's stop button) into a {@link CancellationException}. */
final class Interrupts {
    private Interrupts() {
    }

    /** Throws when the current thread was interrupted; the interrupt flag stays set. */
    static void check(String activity) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted while " + activity);
        }
    }
}
