package io.gptq4j.kernel;

/**
 * Cursor conversions: Jupyter counts cursor positions in Unicode code points, Java strings in
 * UTF-16 units. Also a rough brace count for the indent of incomplete code.
 */
final class CodePoints {

    private CodePoints() {
    }

    static int toCharIndex(String text, int codePointIndex) {
        int count = Math.min(Math.max(0, codePointIndex), text.codePointCount(0, text.length()));
        return text.offsetByCodePoints(0, count);
    }

    static int toCodePointIndex(String text, int charIndex) {
        return text.codePointCount(0, Math.min(Math.max(0, charIndex), text.length()));
    }

    /** Opening minus closing braces outside string, char literals and comments. */
    static int openBraces(String code) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                int newline = code.indexOf('\n', i);
                i = newline < 0 ? code.length() : newline;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
        }
        return depth;
    }
}
