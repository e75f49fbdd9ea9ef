package io.gptq4j.dsl.script;

import io.gptq4j.dsl.Calibration;
import io.gptq4j.dsl.Eval;
import io.gptq4j.dsl.QuantSpec;
import io.gptq4j.dsl.Rule;
import io.gptq4j.dsl.Selection;
import java.util.List;

/** One parsed line of a {@code %%gptq} cell; each maps onto one {@link io.gptq4j.dsl.Session} call. */
sealed interface Command {

    /** 1-based line number in the cell body. */
    int line();

    /** The line as written, for error messages. */
    String text();

    record Load(int line, String text, String file) implements Command {
    }

    record Calibrate(int line, String text, Calibration calibration) implements Command {
    }

    record Quantize(int line, String text, Selection selection, QuantSpec spec, List<Rule> rules) implements Command {
    }

    record Undo(int line, String text) implements Command {
    }

    record Plot(int line, String text, String chart) implements Command {
    }

    record Losses(int line, String text) implements Command {
    }

    record EvalPerplexity(int line, String text, Eval eval) implements Command {
    }

    record Sensitivity(int line, String text, QuantSpec spec, Eval eval) implements Command {
    }

    record Generate(int line, String text, String prompt, int tokens) implements Command {
    }

    record Trend(int line, String text) implements Command {
    }

    record SaveRecipe(int line, String text, String file) implements Command {
    }

    record Replay(int line, String text, String file) implements Command {
    }
}
