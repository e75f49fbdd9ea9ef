package io.gptq4j.dsl.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gptq4j.dsl.Comparison;
import io.gptq4j.dsl.Replay;
import io.gptq4j.dsl.SharedData;
import io.gptq4j.dsl.StepResult;
import io.gptq4j.dsl.UndoResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

class GptqScriptTest {
    @TempDir
    Path tmp;

    @Test
    void linesMapOntoSessionSteps() {
        GptqScript script = new GptqScript();
        Path recipe = tmp.resolve("r.json");
        List<Object> out = script.execute("""
                load %s
                calibrate %s samples 8 seqlen 128
                quantize layers 0..1 bits 4 group 32
                quantize layer 2 bits 4 group 32 act-order
                undo
                quantize layer 1 module mlp.down_proj bits 8
                losses
                plot losses
                eval ppl on %s seqlen 256 windows 4
                save recipe %s
                """.formatted(data("stories260K.gguf"), data("tinystories_valid_calib.txt"),
                data("tinystories_valid_eval.txt"), recipe));
        assertEquals(10, out.size());
        assertEquals(14, assertInstanceOf(StepResult.class, out.get(2)).modules().size());
        assertEquals(1, assertInstanceOf(UndoResult.class, out.get(4)).stepsLeft());
        assertEquals(1, assertInstanceOf(StepResult.class, out.get(5)).modules().size());
        assertEquals(14, assertInstanceOf(Table.class, out.get(6)).rowCount());
        assertInstanceOf(XYChart.class, out.get(7));
        assertEquals(3, assertInstanceOf(Comparison.class, out.get(8)).rows().size());
        assertTrue(Files.exists(recipe));

        Replay replay = assertInstanceOf(Replay.class, script.execute("replay " + recipe).get(0));
        assertTrue(replay.identical(), replay.differences().toString());
        assertSame(replay.session(), script.session());
    }

    @Test
    void runtimeErrorNamesLineAndKeepsSession() {
        GptqScript script = new GptqScript();
        script.execute("load " + data("stories260K.gguf") + "\ncalibrate " + data("tinystories_valid_calib.txt")
                + " samples 8 seqlen 128");
        ScriptException e = assertThrows(ScriptException.class, () -> script.execute("\nquantize layers 3..9 bits 4"));
        assertEquals("line 2: layer 9 is out of range; the model has 5 layers, valid indices 0..4"
                + " (in: quantize layers 3..9 bits 4)", e.getMessage());
        assertEquals(0, script.session().steps().size());
    }

    @Test
    void commandsBeforeLoadAreRejected() {
        ScriptException e = assertThrows(ScriptException.class, () -> new GptqScript().execute("losses"));
        assertEquals("line 1: no model loaded; start the cell with 'load FILE'", e.getMessage());
    }

    @Test
    void registeredAsTextForm() {
        var forms = ServiceLoader.load(io.gptq4j.dsl.spi.GptqTextForm.class).stream().map(p -> p.type()).toList();
        assertEquals(List.of(GptqCell.class), forms);
    }

    private static String data(String name) {
        return SharedData.data(name).toString();
    }
}
