package io.gptq4j.kernel.protocol;

import org.dflib.jjava.jupyter.channels.Loop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the kernel library's socket loops alive when a message cannot be read. jjava-jupyter
 * 1.0-a6 checks each message's HMAC signature and throws {@link SecurityException} on a mismatch,
 * and throws on malformed JSON, both from outside its handler's try block, so the loop thread (the
 * whole shell or control channel) would die. This logs the rejected message and goes on.
 */
public final class LoopGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LoopGuard.class);
    /** Pause after a rejected message, in milliseconds, so a flood cannot spin a core. */
    private static final long PAUSE_AFTER_ERROR_MILLIS = 1;
    private static final long LOG_EVERY = 100;

    private static long rejected;

    private LoopGuard() {
    }

    /** Installs the error handler on every running socket loop; call after connecting. */
    public static int install() {
        int guarded = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread instanceof Loop loop) {
                loop.onError(error -> onError(loop.getName(), error));
                guarded++;
            }
        }
        return guarded;
    }

    private static synchronized long onError(String loopName, Throwable error) {
        rejected++;
        if (rejected <= 10 || rejected % LOG_EVERY == 0) {
            if (error instanceof SecurityException) {
                LOG.warn("Rejected a message on {} with a wrong or missing HMAC signature ({} rejected so far)",
                        loopName, rejected);
            } else {
                LOG.warn("Rejected an unreadable message on {} ({} rejected so far): {}", loopName, rejected, error.toString());
            }
        }
        return PAUSE_AFTER_ERROR_MILLIS;
    }
}
