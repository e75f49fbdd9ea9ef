package io.gptq4j.kernel.jshell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import jdk.jshell.EvalException;

/**
 * Formats an exception thrown by cell code as a Java stack trace. JShell has already mapped the
 * frames of snippet code to snippet lines (an empty class name and the file name {@code #12} for
 * snippet 12) and cut the frames below the snippet; those frames are printed as
 * {@code at method (#12:3)}, others as usual.
 */
final class StackTraces {

    private StackTraces() {
    }

    static List<String> format(Throwable error) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = error;
        String prefix = "";
        while (current != null && seen.add(current)) {
            lines.add(prefix + headline(current));
            for (StackTraceElement frame : current.getStackTrace()) {
                if (!isInternal(frame)) {
                    lines.add("\tat " + describe(frame));
                }
            }
            prefix = "Caused by: ";
            current = current.getCause();
        }
        return lines;
    }

    /** {@code java.lang.ArithmeticException: / by zero}, with the user's class name, not JShell's wrapper. */
    static String headline(Throwable error) {
        String name = error instanceof EvalException eval ? eval.getExceptionClassName() : error.getClass().getName();
        return error.getMessage() == null ? name : name + ": " + error.getMessage();
    }

    private static boolean isInternal(StackTraceElement frame) {
        String cls = frame.getClassName();
        return cls.startsWith("jdk.internal.reflect.")
                || cls.startsWith("java.lang.reflect.Method")
                || cls.startsWith("jdk.jshell.")
                || cls.startsWith(CellExecutionControl.class.getName());
    }

    private static String describe(StackTraceElement frame) {
        if (!frame.getClassName().isEmpty()) {
            return frame.toString();
        }
        String method = frame.getMethodName().isEmpty() ? "" : frame.getMethodName() + " ";
        return method + "(" + frame.getFileName() + ":" + frame.getLineNumber() + ")";
    }
}
