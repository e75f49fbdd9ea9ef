package io.gptq4j.dsl.script;

/**
 * An error in a {@code %%gptq} cell: the message names the line (1-based, counted in the cell body),
 * the offending word and the valid choices.
 */
public final class ScriptException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;

    ScriptException(int line, String message, Throwable cause) {
        super("line " + line + ": " + message, cause);
        this.line = line;
    }

    ScriptException(int line, String message) {
        this(line, message, null);
    }

    /** Returns the 1-based line of the cell body the error is on. */
    public int line() {
        return line;
    }
}
