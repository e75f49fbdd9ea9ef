package io.gptq4j.kernel.jshell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import jdk.jshell.EvalException;
import jdk.jshell.spi.ExecutionControl;

/**
 * Formats an exception thrown by cell code as a Java stack trace. JShell has already mapped the
 * frames of snippet code to snippet lines (an empty class name and the file name {@code #12} for
 * snippet 12) and cut the frames below the snippet; those frames are printed as
 * {@code at method (In [3], line 2)} when the {@link SnippetLocator} finds the cell, else as
 * {@code at method (#12:3)}; other frames as usual. Frames of a snippet re-run without JShell
 * ({@link JShellSession}) still carry generated class names and are shown without a line.
 */
final class StackTraces {

    private static final String SNIPPET_CLASS_PREFIX = "REPL.$JShell$";

    /** Maps a JShell snippet id and a line of its source to where the user wrote it. */
    interface SnippetLocator {
        /**
         * Returns e.g. {@code In [3], line 2}, or {@code In [3]} when {@code line} is 0 (unknown);
         * null when the snippet's cell is unknown.
         */
        String locate(String snippetId, int line);
    }

    private StackTraces() {
    }

    static List<String> format(Throwable error, SnippetLocator locator) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = error;
        String prefix = "";
        while (current != null && seen.add(current)) {
            lines.add(prefix + headline(current));
            for (StackTraceElement frame : current.getStackTrace()) {
                if (!isInternal(frame)) {
                    lines.add("\tat " + describe(frame, locator));
                }
            }
            prefix = "Caused by: ";
            current = current.getCause();
        }
        return lines;
    }

    /** {@code java.lang.ArithmeticException: / by zero}, with the user's class name, not JShell's wrapper. */
    static String headline(Throwable error) {
        String name = error.getClass().getName();
        if (error instanceof EvalException eval) {
            name = eval.getExceptionClassName();
        } else if (error instanceof ExecutionControl.UserException user) {
            name = user.causeExceptionClass();
        }
        return error.getMessage() == null ? name : name + ": " + error.getMessage();
    }

    private static boolean isInternal(StackTraceElement frame) {
        String cls = frame.getClassName();
        return cls.startsWith("jdk.internal.reflect.")
                || cls.startsWith("java.lang.reflect.Method")
                || cls.startsWith("jdk.jshell.")
                || cls.startsWith(CellExecutionControl.class.getName());
    }

    private static String describe(StackTraceElement frame, SnippetLocator locator) {
        String cls = frame.getClassName();
        if (cls.startsWith(SNIPPET_CLASS_PREFIX)) {
            // A frame JShell did not translate (a re-run snippet): its line is in generated code, so omit it.
            String snippetId = cls.substring(SNIPPET_CLASS_PREFIX.length()).split("\\$")[0];
            String method = frame.getMethodName().equals("do_it$") ? "" : frame.getMethodName() + " ";
            String location = locator.locate(snippetId, 0);
            return method + "(" + (location != null ? location : "#" + snippetId) + ")";
        }
        if (!cls.isEmpty()) {
            return frame.toString();
        }
        String method = frame.getMethodName().isEmpty() ? "" : frame.getMethodName() + " ";
        String fileName = frame.getFileName();
        String location = fileName != null && fileName.startsWith("#")
                ? locator.locate(fileName.substring(1), Math.max(frame.getLineNumber(), 0))
                : null;
        return method + "(" + (location != null ? location : fileName + ":" + frame.getLineNumber()) + ")";
    }
}
