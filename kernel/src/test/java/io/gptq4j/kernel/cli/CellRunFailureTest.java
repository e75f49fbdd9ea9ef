package io.gptq4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellRunFailureTest {

    @TempDir
    Path dir;

    @Test
    void errorNamesCellLineAndException() throws Exception {
        Path json = dir.resolve("failure.json");
        Files.writeString(json, "{\"kind\": \"error\", \"cell\": 3, \"firstLine\": \"int x = 1 / 0;\","
                + " \"ename\": \"java.lang.ArithmeticException\", \"evalue\": \"/ by zero\"}");
        assertEquals("cell 3 failed: int x = 1 / 0;\n  java.lang.ArithmeticException: / by zero",
                CellRunFailure.read(json).describe());
    }

    @Test
    void timeoutWithoutErrorName() {
        CellRunFailure failure = new CellRunFailure(2, "Thread.sleep(5000);", "timeout", "", "no reply within 1 s");
        assertEquals("cell 2 timed out: Thread.sleep(5000);\n  no reply within 1 s", failure.describe());
    }

    @Test
    void unknownCellAndEmptyValue() {
        CellRunFailure failure = new CellRunFailure(0, "", "error", "CompilationError", "");
        assertEquals("a cell failed\n  CompilationError", failure.describe());
    }
}
