package io.gptq4j.kernel.magic;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a cell into Java code and magics. A cell whose first non-blank line starts with
 * {@code %%name} is one cell magic with the rest of the cell as its body. Otherwise each line
 * starting with {@code %} (after indentation) is a line magic and the lines between them are Java.
 */
public final class CellSegments {

    /**
     * One part of a cell, run in order. {@code firstLine} is the 1-based line of the cell on which
     * {@code body} starts.
     */
    public record Segment(Kind kind, String name, List<String> arguments, String body, int firstLine) {
    }

    /** Segment type: Java source, a line magic or a cell magic. */
    public enum Kind { JAVA, LINE_MAGIC, CELL_MAGIC }

    private CellSegments() {
    }

    public static List<Segment> parse(String cell) {
        String stripped = cell.stripLeading();
        if (stripped.startsWith("%%")) {
            int headerLine = 1 + (int) cell.substring(0, cell.length() - stripped.length()).chars().filter(c -> c == '\n').count();
            int newline = stripped.indexOf('\n');
            String header = newline < 0 ? stripped.substring(2) : stripped.substring(2, newline);
            String body = newline < 0 ? "" : stripped.substring(newline + 1);
            List<String> words = MagicArguments.split(header);
            if (words.isEmpty()) {
                throw new IllegalArgumentException("%% must be followed by a cell magic name, e.g. %%svg");
            }
            return List.of(new Segment(Kind.CELL_MAGIC, words.get(0), words.subList(1, words.size()), body, headerLine + 1));
        }
        List<Segment> segments = new ArrayList<>();
        StringBuilder java = new StringBuilder();
        int javaFirstLine = 1;
        String[] lines = cell.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.startsWith("%") && !trimmed.startsWith("%%")) {
                flushJava(java, javaFirstLine, segments);
                javaFirstLine = i + 2;
                List<String> words = MagicArguments.split(trimmed.substring(1));
                if (words.isEmpty()) {
                    throw new IllegalArgumentException("% must be followed by a line magic name, e.g. %classpath");
                }
                segments.add(new Segment(Kind.LINE_MAGIC, words.get(0), words.subList(1, words.size()), "", i + 1));
            } else {
                java.append(line).append('\n');
            }
        }
        flushJava(java, javaFirstLine, segments);
        return segments;
    }

    private static void flushJava(StringBuilder java, int firstLine, List<Segment> segments) {
        if (!java.toString().isBlank()) {
            segments.add(new Segment(Kind.JAVA, null, List.of(), java.toString(), firstLine));
        }
        java.setLength(0);
    }
}
