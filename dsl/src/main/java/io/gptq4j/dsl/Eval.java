package io.gptq4j.dsl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A perplexity evaluation: the GPTQ-paper protocol on a text file ([BOS] + encode(text) encoded
 * once, non-overlapping windows of {@code seqLen} tokens from token 0, tail dropped, each window run
 * alone). Immutable; start one with {@link #text(String)}.
 *
 * @param file       text file name, resolved with {@link DataFiles#resolve}
 * @param seqLen     tokens per window
 * @param maxWindows score only the first this many windows, or 0 for all
 */
public record Eval(String file, int seqLen, int maxWindows) {

    public Eval {
        if (seqLen < 2) {
            throw new IllegalArgumentException("seqLen " + seqLen + " is invalid; use at least 2 tokens, e.g. 512 or 2048");
        }
        if (maxWindows < 0) {
            throw new IllegalArgumentException("maxWindows " + maxWindows + " is invalid; use 0 for all windows or a positive count");
        }
    }

    /** Starts an evaluation on a text file with windows of 512 tokens. */
    public static Eval text(String file) {
        return new Eval(file, 512, 0);
    }

    /** Returns a copy with another window length in tokens. */
    public Eval seqLen(int newSeqLen) {
        return new Eval(file, newSeqLen, maxWindows);
    }

    /** Returns a copy that scores only the first {@code count} windows: faster, but a different number. */
    public Eval maxWindows(int count) {
        return new Eval(file, seqLen, count);
    }

    /** Returns the settings as an ordered map, the form recipes and tables use. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("file", file);
        map.put("seqLen", seqLen);
        map.put("maxWindows", maxWindows);
        return map;
    }
}
