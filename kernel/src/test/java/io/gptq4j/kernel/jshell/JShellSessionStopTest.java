package io.gptq4j.kernel.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An interrupt that arrives while a cell runs but none of its snippets does (JShell is still
 * compiling one) stops the cell's next snippet before it starts, and only within that cell.
 */
class JShellSessionStopTest {

    private static JShellSession session;

    @BeforeAll
    static void start() {
        session = JShellSession.start(List.of(), List.of(), new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void stopBeforeSnippetStarts() throws CellFailure {
        session.eval("int ran = 0;");
        session.beginCell();
        session.stop();
        CellFailure failure = assertThrows(CellFailure.class, () -> session.eval("ran = 1;"));
        assertEquals("InterruptedException", failure.errorName());
        session.endCell();

        // The stopped snippet never ran, and the next cell runs normally.
        session.beginCell();
        assertEquals(0, session.eval("ran").value());
        session.endCell();
    }

    @Test
    void stopOutsideCell() throws CellFailure {
        session.stop();
        session.beginCell();
        assertEquals(42, session.eval("6 * 7").value());
        session.endCell();
    }
}
