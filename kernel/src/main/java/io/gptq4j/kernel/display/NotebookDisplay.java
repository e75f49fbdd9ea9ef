package io.gptq4j.kernel.display;

import io.gptq4j.dsl.display.Progress;
import io.gptq4j.dsl.display.ProgressSink;
import io.gptq4j.kernel.protocol.ExecutionContext;
import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;

/**
 * Shows values in the running cell's output ({@code display_data}) and live progress displays
 * that are replaced in place ({@code update_display_data} with a display id).
 */
public final class NotebookDisplay implements ProgressSink {

    private final ExecutionContext context;

    public NotebookDisplay(ExecutionContext context) {
        this.context = context;
    }

    /** Renders {@code value} and publishes it as {@code display_data}. */
    public void show(Object value) {
        context.publish(new PublishDisplayData(DisplayDataConverter.toDisplayData(Renderers.render(value))));
    }

    /** Publishes {@code data} under a new display id and returns the id. */
    String showUpdatable(DisplayData data) {
        String displayId = UUID.randomUUID().toString();
        data.setDisplayId(displayId);
        context.publish(new PublishDisplayData(data));
        return displayId;
    }

    /** Replaces what display {@code displayId} shows. */
    void update(String displayId, DisplayData data) {
        data.setDisplayId(displayId);
        context.publish(new PublishUpdateDisplayData(data));
    }

    @Override
    public Progress start(String title, long totalSteps) {
        return new LiveProgress(this, title, totalSteps, System.nanoTime());
    }
}
