package io.gptq4j.kernel.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stack traces of cell code name the cell and its line ({@code In [2], line 3}), not JShell's {@code #7:1}. */
class JShellSessionTraceTest {

    private static JShellSession session;

    @BeforeAll
    static void start() throws CellFailure {
        session = JShellSession.start(List.of(), List.of(), new PrintStream(new ByteArrayOutputStream()));
        // Cell 1: the division is on the cell's third line.
        session.eval("// helper\nint divide(int a, int b) {\n    return a / b;\n}\n", 1, 1);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void framesNameCellAndLine() {
        // Cell 2 starts with a line magic, so its Java begins on line 2; the call is on line 3.
        CellFailure failure = assertThrows(CellFailure.class, () -> session.eval("int x = 1;\ndivide(x, 0);\n", 2, 2));
        List<String> traceback = failure.traceback();
        assertEquals("java.lang.ArithmeticException: / by zero", traceback.get(0));
        assertEquals("\tat divide (In [1], line 3)", traceback.get(1));
        assertEquals("\tat (In [2], line 3)", traceback.get(2));
        assertEquals(3, traceback.size(), traceback.toString());
    }

    @Test
    void unknownCellKeepsSnippetIds() {
        CellFailure failure = assertThrows(CellFailure.class, () -> session.eval("divide(2, 0);"));
        String caller = failure.traceback().get(2);
        assertTrue(caller.matches("\tat \\(#\\d+:1\\)"), caller);
    }
}
