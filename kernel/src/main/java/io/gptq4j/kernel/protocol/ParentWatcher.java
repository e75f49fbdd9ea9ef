package io.gptq4j.kernel.protocol;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the kernel when the Jupyter process that started it is gone, so a crashed client leaves
 * no kernel behind. jupyter_client passes its process id in {@code JPY_PARENT_PID}.
 */
public final class ParentWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ParentWatcher.class);
    private static final long POLL_MILLIS = 1000;

    private ParentWatcher() {
    }

    /** Starts watching if {@code JPY_PARENT_PID} names a running process; does nothing otherwise. */
    public static void start() {
        String value = System.getenv("JPY_PARENT_PID");
        if (value == null || value.isBlank()) {
            return;
        }
        Optional<ProcessHandle> parent;
        try {
            parent = ProcessHandle.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring JPY_PARENT_PID={}: not a process id", value);
            return;
        }
        if (parent.isEmpty()) {
            return;
        }
        Thread watcher = new Thread(() -> watch(parent.get()), "gptq4j-parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watch(ProcessHandle parent) {
        while (parent.isAlive()) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
        LOG.warn("Parent process {} exited; stopping the kernel", parent.pid());
        System.exit(0);
    }
}
