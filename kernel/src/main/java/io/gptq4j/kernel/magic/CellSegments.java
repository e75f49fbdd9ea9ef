package io.gptq4j.kernel.magic;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a cell into Java code and magics. A cell whose first non-blank line starts with
 * {@code %%name} is one cell magic with the rest of the cell as its body. Otherwise each line
 * starting with {@code %} (after indentation) is a line magic and the lines between them are Java.
 */
public final class CellSegments {

    /** One part of a cell, run in order. */
    public record Segment(Kind kind, String name, List<String> arguments, String body) {
    }

    /** What a segment is. */
    public enum Kind { JAVA, LINE_MAGIC, CELL_MAGIC }

    private CellSegments() {
    }

    public static List<Segment> parse(String cell) {
        String stripped = cell.stripLeading();
        if (stripped.startsWith("%%")) {
            int newline = stripped.indexOf('\n');
            String header = newline < 0 ? stripped.substring(2) : stripped.substring(2, newline);
            String body = newline < 0 ? "" : stripped.substring(newline + 1);
            List<String> words = MagicArguments.split(header);
            if (words.isEmpty()) {
                throw new IllegalArgumentException("%% must be followed by a cell magic name, e.g. %%svg");
            }
            return List.of(new Segment(Kind.CELL_MAGIC, words.get(0), words.subList(1, words.size()), body));
        }
        List<Segment> segments = new ArrayList<>();
        StringBuilder java = new StringBuilder();
        for (String line : cell.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("%") && !trimmed.startsWith("%%")) {
                flushJava(java, segments);
                List<String> words = MagicArguments.split(trimmed.substring(1));
                if (words.isEmpty()) {
                    throw new IllegalArgumentException("% must be followed by a line magic name, e.g. %classpath");
                }
                segments.add(new Segment(Kind.LINE_MAGIC, words.get(0), words.subList(1, words.size()), ""));
            } else {
                java.append(line).append('\n');
            }
        }
        flushJava(java, segments);
        return segments;
    }

    private static void flushJava(StringBuilder java, List<Segment> segments) {
        if (!java.toString().isBlank()) {
            segments.add(new Segment(Kind.JAVA, null, List.of(), java.toString()));
        }
        java.setLength(0);
    }
}
