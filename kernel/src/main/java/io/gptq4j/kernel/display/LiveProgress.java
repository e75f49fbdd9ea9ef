package io.gptq4j.kernel.display;

import io.gptq4j.dsl.display.Progress;
import java.time.Duration;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * A progress bar in the cell output, replaced in place at most every {@link #MIN_UPDATE_NANOS}.
 * The ETA assumes the remaining steps take as long on average as the finished ones.
 */
final class LiveProgress implements Progress {

    static final long MIN_UPDATE_NANOS = 100_000_000L;

    private final NotebookDisplay display;
    private final String title;
    private final long totalSteps;
    private final long startNanos;
    private final String displayId;
    private long lastUpdateNanos;
    private long stepsDone;
    private String detail = "";
    private boolean closed;

    LiveProgress(NotebookDisplay display, String title, long totalSteps, long startNanos) {
        this.display = display;
        this.title = title;
        this.totalSteps = totalSteps;
        this.startNanos = startNanos;
        this.displayId = display.showUpdatable(render(startNanos));
        this.lastUpdateNanos = startNanos;
    }

    @Override
    public synchronized void update(long stepsDone, String detail) {
        if (closed) {
            return;
        }
        this.stepsDone = Math.max(0, Math.min(stepsDone, totalSteps));
        this.detail = detail == null ? "" : detail;
        long now = System.nanoTime();
        if (now - lastUpdateNanos >= MIN_UPDATE_NANOS || this.stepsDone == totalSteps) {
            lastUpdateNanos = now;
            display.update(displayId, render(now));
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        display.update(displayId, render(System.nanoTime()));
    }

    private DisplayData render(long now) {
        String text = describe(now);
        DisplayData data = new DisplayData(text);
        data.putHTML("<div><progress value=\"" + stepsDone + "\" max=\"" + totalSteps + "\"></progress> "
                + TableRenderer.escape(text) + "</div>");
        return data;
    }

    String describe(long now) {
        long percent = stepsDone * 100 / totalSteps;
        Duration elapsed = Duration.ofNanos(now - startNanos);
        StringBuilder text = new StringBuilder()
                .append(title).append(": ").append(stepsDone).append('/').append(totalSteps)
                .append(" steps (").append(percent).append("%)")
                .append(", elapsed ").append(format(elapsed));
        if (closed) {
            text.append(stepsDone == totalSteps ? ", done" : ", stopped");
        } else if (stepsDone > 0) {
            Duration eta = elapsed.multipliedBy(totalSteps - stepsDone).dividedBy(stepsDone);
            text.append(", ETA ").append(format(eta));
        }
        if (!detail.isEmpty()) {
            text.append(", ").append(detail);
        }
        return text.toString();
    }

    private static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return String.format("%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }
}
