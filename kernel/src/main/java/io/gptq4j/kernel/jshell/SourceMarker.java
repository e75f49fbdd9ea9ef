package io.gptq4j.kernel.jshell;

import java.util.List;

/** Shows the source line of a compiler error with a {@code ^---^} mark under the error span. */
final class SourceMarker {

    private SourceMarker() {
    }

    /**
     * Returns the line containing {@code start} and a marker line; empty when the position is
     * unknown ({@link javax.tools.Diagnostic#NOPOS}) or outside the source.
     */
    static List<String> mark(String source, int start, int end) {
        if (start < 0 || start > source.length()) {
            return List.of();
        }
        int lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
        if (start == 0) {
            lineStart = 0;
        }
        int lineEnd = source.indexOf('\n', start);
        if (lineEnd < 0) {
            lineEnd = source.length();
        }
        int markEnd = Math.max(start + 1, Math.min(Math.max(end, start + 1), lineEnd));
        StringBuilder marker = new StringBuilder();
        for (int i = lineStart; i < start; i++) {
            marker.append(source.charAt(i) == '\t' ? '\t' : ' ');
        }
        int width = markEnd - start;
        if (width <= 1) {
            marker.append('^');
        } else {
            marker.append('^').append("-".repeat(width - 2)).append('^');
        }
        return List.of(source.substring(lineStart, lineEnd), marker.toString());
    }
}
