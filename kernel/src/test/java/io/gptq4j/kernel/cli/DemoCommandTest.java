package io.gptq4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void dataNamesBecomeAbsolutePaths() throws Exception {
        Path source = tmp.resolve("in.ipynb");
        Files.writeString(source, """
                {"cells": [
                  {"cell_type": "markdown", "metadata": {}, "source": "uses \\"stories260K.gguf\\""},
                  {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
                   "source": ["var m = loadModel(\\"stories260K.gguf\\");\\n", "m"]},
                  {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
                   "source": "%%gptq\\nload stories260K.gguf\\ncalibrate tinystories_valid_calib.txt samples 8"}
                 ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """);
        Path target = tmp.resolve("out.ipynb");
        DemoCommand.writeWithPaths(source, target, Map.of("stories260K.gguf", "/data/my model.gguf",
                "tinystories_valid_calib.txt", "/data/calib.txt"));

        JsonNode cells = new ObjectMapper().readTree(target.toFile()).get("cells");
        assertEquals("uses \"stories260K.gguf\"", cells.get(0).get("source").asText(), "markdown stays as it is");
        assertEquals("var m = loadModel(\"/data/my model.gguf\");\nm", cells.get(1).get("source").asText());
        assertEquals("%%gptq\nload \"/data/my model.gguf\"\ncalibrate \"/data/calib.txt\" samples 8",
                cells.get(2).get("source").asText());
    }

    @Test
    void missingModelNamesWhereToPutIt() {
        var err = new java.io.StringWriter();
        var cli = new picocli.CommandLine(new Main());
        cli.setExecutionExceptionHandler(new CliErrors());
        cli.setErr(new java.io.PrintWriter(err));
        int status = cli.execute("demo", "--model", tmp.resolve("absent.gguf").toString(), "--out", tmp.toString());
        assertEquals(1, status);
        assertTrue(err.toString().contains("model not found: " + tmp.resolve("absent.gguf")), err.toString());
    }
}
