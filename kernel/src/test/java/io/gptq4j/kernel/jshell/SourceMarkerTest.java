package io.gptq4j.kernel.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceMarkerTest {

    @Test
    void marksSpanOnItsLine() {
        String source = "int a = 1;\nint b = foo(a);";
        int start = source.indexOf("foo");
        assertEquals(List.of("int b = foo(a);", "        ^-^"), SourceMarker.mark(source, start, start + 3));
    }

    @Test
    void singleCharacterAndUnknownPosition() {
        assertEquals(List.of("int x = ;", "        ^"), SourceMarker.mark("int x = ;", 8, 8));
        assertEquals(List.of(), SourceMarker.mark("int x = ;", -1, -1));
    }
}
