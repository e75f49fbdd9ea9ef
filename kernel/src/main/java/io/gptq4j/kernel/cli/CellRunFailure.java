package io.gptq4j.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The first cell that stopped a headless run, as written by {@code run_notebook.py}: its 1-based
 * position among all cells of the notebook (0 when unknown), its first non-blank source line, and
 * the error the kernel reported ({@code ename}, {@code evalue}) or why the run stopped.
 */
record CellRunFailure(int cell, String firstLine, String kind, String errorName, String errorValue) {

    static CellRunFailure read(Path json) throws IOException {
        JsonNode node = new ObjectMapper().readTree(json.toFile());
        return new CellRunFailure(node.path("cell").asInt(0), node.path("firstLine").asText(""),
                node.path("kind").asText("error"), node.path("ename").asText(""), node.path("evalue").asText(""));
    }

    /**
     * Returns the message for stderr, e.g. {@code cell 3 failed: int x = 1 / 0;} followed by an
     * indented {@code java.lang.ArithmeticException: / by zero}.
     */
    String describe() {
        String where = cell > 0 ? "cell " + cell : "a cell";
        String outcome = switch (kind) {
            case "timeout" -> " timed out";
            case "dead-kernel" -> " stopped the kernel (it exited or crashed)";
            default -> " failed";
        };
        String headline = where + outcome + (firstLine.isEmpty() ? "" : ": " + firstLine);
        String error = errorName.isEmpty() ? errorValue
                : errorValue.isEmpty() ? errorName : errorName + ": " + errorValue;
        return error.isEmpty() ? headline : headline + "\n  " + error;
    }
}
