package io.gptq4j.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gptq4j.kernel.magic.CellSegments.Kind;
import io.gptq4j.kernel.magic.CellSegments.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellSegmentsTest {

    @Test
    void cellMagicTakesWholeCell() {
        List<Segment> segments = CellSegments.parse("\n%%gptq bits=4 'group size'\nquantize\n%not a line magic");
        assertEquals(1, segments.size());
        Segment segment = segments.get(0);
        assertEquals(Kind.CELL_MAGIC, segment.kind());
        assertEquals("gptq", segment.name());
        assertEquals(List.of("bits=4", "group size"), segment.arguments());
        assertEquals("quantize\n%not a line magic", segment.body());
        assertEquals(3, segment.firstLine());
    }

    @Test
    void lineMagicsSplitJava() {
        List<Segment> segments = CellSegments.parse("int a = 1;\n  %classpath lib/*.jar\nint b = 2;");
        assertEquals(List.of(Kind.JAVA, Kind.LINE_MAGIC, Kind.JAVA), segments.stream().map(Segment::kind).toList());
        assertEquals(List.of("lib/*.jar"), segments.get(1).arguments());
        assertEquals("int b = 2;\n", segments.get(2).body());
        assertEquals(List.of(1, 2, 3), segments.stream().map(Segment::firstLine).toList());
    }

    @Test
    void plainJavaIsOneSegment() {
        List<Segment> segments = CellSegments.parse("int x = 10 % 3;\nx");
        assertEquals(1, segments.size());
        assertEquals(Kind.JAVA, segments.get(0).kind());
    }

    @Test
    void unclosedQuoteRejected() {
        assertThrows(IllegalArgumentException.class, () -> CellSegments.parse("%maven 'a:b:1"));
    }
}
