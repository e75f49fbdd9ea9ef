package io.gptq4j.dsl.script;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of one {@code %%gptq} line, read left to right. Words are separated by whitespace; a
 * double-quoted word may contain spaces, and {@code \"} inside it is a quote.
 */
final class Words {
    private final int line;
    private final List<String> words;
    private int position;

    Words(int line, String text) {
        this.line = line;
        this.words = split(line, text);
    }

    boolean hasNext() {
        return position < words.size();
    }

    String peek() {
        return hasNext() ? words.get(position) : null;
    }

    /** Returns the next word, or fails naming what was expected there. */
    String next(String expected) {
        if (!hasNext()) {
            String after = position == 0 ? "" : " after '" + words.get(position - 1) + "'";
            throw new ScriptException(line, "missing " + expected + after);
        }
        return words.get(position++);
    }

    /** Returns the next word as an int, or fails naming the word and what it follows. */
    int nextInt(String expected) {
        String word = next(expected);
        try {
            return Integer.parseInt(word);
        } catch (NumberFormatException e) {
            throw error(word, "is not a whole number; expected " + expected);
        }
    }

    /** Returns the next word as a long, or fails naming the word. */
    long nextLong(String expected) {
        String word = next(expected);
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw error(word, "is not a whole number; expected " + expected);
        }
    }

    /** Returns the next word as a double, or fails naming the word. */
    double nextDouble(String expected) {
        String word = next(expected);
        try {
            return Double.parseDouble(word);
        } catch (NumberFormatException e) {
            throw error(word, "is not a number; expected " + expected);
        }
    }

    /** Fails unless the next word is {@code literal}. */
    void expect(String literal) {
        String word = next("'" + literal + "'");
        if (!word.equals(literal)) {
            throw error(word, "is unexpected here; expected '" + literal + "'");
        }
    }

    /** Fails when words are left over. */
    void end() {
        if (hasNext()) {
            throw error(peek(), "is unexpected at the end of the line");
        }
    }

    /** Returns an error about {@code word} at the current line. */
    ScriptException error(String word, String problem) {
        return new ScriptException(line, "word '" + word + "' " + problem);
    }

    private static List<String> split(int line, String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder word = new StringBuilder();
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        i++;
                    }
                    word.append(text.charAt(i++));
                }
                if (i >= text.length()) {
                    throw new ScriptException(line, "unterminated quoted word: add the closing \"");
                }
                i++;
                out.add(word.toString());
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                out.add(text.substring(start, i));
            }
        }
        return out;
    }
}
