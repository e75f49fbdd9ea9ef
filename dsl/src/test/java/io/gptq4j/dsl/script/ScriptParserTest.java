package io.gptq4j.dsl.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptParserTest {

    @Test
    void parsesEveryCommand() {
        List<Command> commands = ScriptParser.parse("""
                load stories260K.gguf
                # a comment line
                calibrate calib.txt samples 32 seqlen 256 seed 0
                quantize layers 0..3 bits 4 group 32 act-order
                quantize layer 4 module mlp.down_proj bits 8   # trailing comment
                quantize all bits 3 asym skip down_proj rule "layers\\.0\\." bits 8
                undo
                plot losses
                losses
                eval ppl on eval.txt seqlen 512 windows 8
                sensitivity bits 4 group 32 on eval.txt seqlen 128
                generate "Once upon a time" tokens 20
                trend
                save recipe out.json
                replay out.json
                """);
        assertEquals(14, commands.size());
        Command.Quantize q = assertInstanceOf(Command.Quantize.class, commands.get(2));
        assertEquals(4, q.spec().bits());
        assertEquals(32, q.spec().groupSize());
        assertTrue(q.spec().isDescAct());
        assertEquals("layers 0..3", q.selection().toString());
        Command.Quantize one = assertInstanceOf(Command.Quantize.class, commands.get(3));
        assertEquals("layer 4 mlp.down_proj", one.selection().toString());
        assertEquals(8, one.spec().bits());
        Command.Quantize all = assertInstanceOf(Command.Quantize.class, commands.get(4));
        assertFalse(all.spec().isSym());
        assertEquals(2, all.rules().size());
        assertTrue(all.rules().get(0).isSkip());
        Command.EvalPerplexity eval = assertInstanceOf(Command.EvalPerplexity.class, commands.get(8));
        assertEquals(512, eval.eval().seqLen());
        assertEquals(8, eval.eval().maxWindows());
        Command.Generate generate = assertInstanceOf(Command.Generate.class, commands.get(10));
        assertEquals("Once upon a time", generate.prompt());
        assertEquals(20, generate.tokens());
        assertEquals(15, commands.get(13).line());
    }

    @Test
    void typoNamesLineWordAndCommands() {
        ScriptException e = assertThrows(ScriptException.class,
                () -> ScriptParser.parse("load m.gguf\nquantise layers 0..3 bits 4\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("line 2: word 'quantise' is not a command"), e.getMessage());
        assertTrue(e.getMessage().contains("valid commands: load, calibrate, quantize"), e.getMessage());
    }

    @Test
    void badBitsNamesValueAndChoices() {
        ScriptException e = assertThrows(ScriptException.class,
                () -> ScriptParser.parse("quantize layers 0..3 bits 5"));
        assertEquals("line 1: bits 5 is not supported; valid choices: 2, 3, 4, 8", e.getMessage());
    }

    @Test
    void unknownModuleNamesValidModules() {
        ScriptException e = assertThrows(ScriptException.class,
                () -> ScriptParser.parse("\n\nquantize layer 1 module mlp.dwn_proj bits 8"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("'mlp.dwn_proj'"), e.getMessage());
        assertTrue(e.getMessage().contains("mlp.down_proj"), e.getMessage());
    }

    @Test
    void unknownOptionNamesValidOptions() {
        ScriptException e = assertThrows(ScriptException.class,
                () -> ScriptParser.parse("quantize layers 0..1 bits 4 groop 32"));
        assertTrue(e.getMessage().contains("word 'groop' is not a quantize option"), e.getMessage());
        assertTrue(e.getMessage().contains("group"), e.getMessage());
    }

    @Test
    void missingBitsIsReported() {
        ScriptException e = assertThrows(ScriptException.class, () -> ScriptParser.parse("quantize layer 0 group 32"));
        assertEquals("line 1: quantize needs 'bits N' (2, 3, 4 or 8)", e.getMessage());
    }

    @Test
    void badRangeNamesWord() {
        ScriptException e = assertThrows(ScriptException.class, () -> ScriptParser.parse("quantize layers 0-3 bits 4"));
        assertTrue(e.getMessage().contains("word '0-3' is not a layer range"), e.getMessage());
    }

    @Test
    void badNumberNamesWord() {
        ScriptException e = assertThrows(ScriptException.class,
                () -> ScriptParser.parse("calibrate c.txt samples many"));
        assertTrue(e.getMessage().contains("word 'many' is not a whole number"), e.getMessage());
    }

    @Test
    void unknownPlotNamesCharts() {
        ScriptException e = assertThrows(ScriptException.class, () -> ScriptParser.parse("plot loss"));
        assertTrue(e.getMessage().contains("valid choices: losses, relative-error, running-loss, ppl"), e.getMessage());
    }

    @Test
    void leftoverWordIsReported() {
        ScriptException e = assertThrows(ScriptException.class, () -> ScriptParser.parse("undo now"));
        assertEquals("line 1: word 'now' is unexpected at the end of the line", e.getMessage());
    }

    @Test
    void unterminatedQuoteIsReported() {
        ScriptException e = assertThrows(ScriptException.class, () -> ScriptParser.parse("generate \"Once upon"));
        assertTrue(e.getMessage().contains("unterminated quoted word"), e.getMessage());
    }
}
