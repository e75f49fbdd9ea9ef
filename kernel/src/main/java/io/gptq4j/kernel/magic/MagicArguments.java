package io.gptq4j.kernel.magic;

import java.util.ArrayList;
import java.util.List;

/** Splits a magic's argument line into words; single or double quotes group words with spaces. */
final class MagicArguments {

    private MagicArguments() {
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("Unclosed quote " + quote + " in magic arguments: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
