package io.gptq4j.dsl;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;

/**
 * What {@link Session#undo()} restored.
 *
 * @param step            index of the undone step
 * @param selection       what that step had selected
 * @param settings        that step's settings label
 * @param modulesRestored modules whose weights were restored
 * @param stepsLeft       steps still applied
 */
public record UndoResult(int step, String selection, String settings, int modulesRestored, int stepsLeft)
        implements RichDisplay {

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.text(toString());
    }

    @Override
    public String toString() {
        return "undid step " + step + " (" + selection + ", " + settings + "): " + modulesRestored
                + " modules restored, " + stepsLeft + " steps left";
    }
}
