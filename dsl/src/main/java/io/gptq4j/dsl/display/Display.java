package io.gptq4j.dsl.display;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where DSL code sends output that should appear in the notebook while a cell runs. Outside a
 * notebook (tests, command line) nothing is installed and output is dropped; the kernel installs
 * its implementation at startup.
 */
public final class Display {

    private static final Progress NO_PROGRESS = new Progress() {
        @Override
        public void update(long stepsDone, String detail) {
        }

        @Override
        public void close() {
        }
    };

    private static volatile Consumer<Object> displayer = value -> { };
    private static volatile ProgressSink progressSink = (title, totalSteps) -> NO_PROGRESS;

    private Display() {
    }

    /** Installs the notebook's display functions; called by the kernel. */
    public static void install(Consumer<Object> newDisplayer, ProgressSink newProgressSink) {
        displayer = Objects.requireNonNull(newDisplayer, "displayer");
        progressSink = Objects.requireNonNull(newProgressSink, "progressSink");
    }

    /** Shows {@code value} in the running cell's output, rendered like a cell result. */
    public static void show(Object value) {
        displayer.accept(value);
    }

    /**
     * Starts a live progress display in the running cell's output.
     *
     * @throws IllegalArgumentException when {@code totalSteps} is not positive
     */
    public static Progress progress(String title, long totalSteps) {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be positive, got " + totalSteps);
        }
        return progressSink.start(title, totalSteps);
    }
}
