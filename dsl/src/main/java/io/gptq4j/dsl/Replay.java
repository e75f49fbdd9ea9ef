package io.gptq4j.dsl;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.display.RichDisplay;
import java.util.List;

/**
 * A session rebuilt from a recipe, and where its numbers differ from the recipe's.
 *
 * @param session     the rebuilt session, ready for more steps
 * @param differences one line per module loss, perplexity or data hash that differs; empty when the
 *                    replay reproduced the recipe bit for bit
 */
public record Replay(Session session, List<String> differences) implements RichDisplay {

    public Replay {
        differences = List.copyOf(differences);
    }

    /** Returns whether every loss and perplexity matched the recipe exactly. */
    public boolean identical() {
        return differences.isEmpty();
    }

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.text(toString());
    }

    @Override
    public String toString() {
        int modules = session.moduleResults().size();
        if (identical()) {
            return "replayed " + session.appliedSteps().size() + " steps (" + modules
                    + " modules): every loss and perplexity matches the recipe bit for bit";
        }
        return "replayed " + session.appliedSteps().size() + " steps; " + differences.size() + " differences:\n  "
                + String.join("\n  ", differences);
    }
}
