package io.gptq4j.dsl.display;

/**
 * One live progress display, updated in place while a long step runs. Implementations throttle
 * updates themselves, so callers may report every step.
 */
public interface Progress extends AutoCloseable {

    /**
     * Reports that {@code stepsDone} of the total steps are finished.
     *
     * @param detail what is running now, e.g. {@code "layer 3 mlp.down_proj"}; may be empty
     */
    void update(long stepsDone, String detail);

    /** Marks the work as finished (or abandoned) and shows the final state. */
    @Override
    void close();
}
