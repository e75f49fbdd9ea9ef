package io.gptq4j.kernel.jshell;

import java.util.List;

/**
 * A cell that did not run to the end, in the shape of a Jupyter {@code error} message: the error
 * name ({@code ename}), its message ({@code evalue}) and the lines shown to the user.
 */
public final class CellFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final String errorName;
    private final List<String> traceback;

    public CellFailure(String errorName, String errorValue, List<String> traceback) {
        super(errorValue, null, false, false);
        this.errorName = errorName;
        this.traceback = List.copyOf(traceback);
    }

    /** Error name, e.g. {@code java.lang.ArithmeticException} or {@code CompilationError}. */
    public String errorName() {
        return errorName;
    }

    /** Error message; may be empty. */
    public String errorValue() {
        return getMessage() == null ? "" : getMessage();
    }

    /** Lines shown to the user: a readable stack trace or compiler messages. */
    public List<String> traceback() {
        return traceback;
    }
}
