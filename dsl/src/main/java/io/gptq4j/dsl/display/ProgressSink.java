package io.gptq4j.dsl.display;

/** Creates live progress displays; the notebook kernel provides one that updates cell output. */
public interface ProgressSink {

    /**
     * Starts a progress display.
     *
     * @param title       what is running, e.g. {@code "GPTQ"}
     * @param totalSteps  number of steps until done; must be positive
     */
    Progress start(String title, long totalSteps);
}
