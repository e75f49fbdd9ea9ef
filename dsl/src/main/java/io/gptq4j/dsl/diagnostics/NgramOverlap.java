package io.gptq4j.dsl.diagnostics;

import java.util.HashSet;
import java.util.Set;

/**
 * Measures how much of one token sequence repeats another, from hashed n-grams: every run of
 * {@link #N} consecutive tokens is reduced to a 64-bit hash, so common short phrases do not count
 * but copied passages do.
 */
public final class NgramOverlap {

    /** Tokens per n-gram: long enough that unrelated TinyStories passages share almost none. */
    public static final int N = 32;

    private NgramOverlap() {
    }

    /**
     * Returns the larger of two fractions: of the windows' n-grams found in {@code tokens}, and of
     * {@code tokens}' n-grams found in the windows. Either is near 1 when one text contains the other.
     */
    public static double fractionShared(int[][] windows, int[] tokens) {
        Set<Long> windowGrams = new HashSet<>();
        long windowTotal = 0;
        for (int[] window : windows) {
            for (int i = 0; i + N <= window.length; i++) {
                windowGrams.add(hash(window, i));
                windowTotal++;
            }
        }
        Set<Long> tokenGrams = new HashSet<>();
        long tokenTotal = 0;
        long tokenShared = 0;
        for (int i = 0; i + N <= tokens.length; i++) {
            long h = hash(tokens, i);
            tokenGrams.add(h);
            tokenTotal++;
            if (windowGrams.contains(h)) {
                tokenShared++;
            }
        }
        long windowShared = 0;
        for (int[] window : windows) {
            for (int i = 0; i + N <= window.length; i++) {
                if (tokenGrams.contains(hash(window, i))) {
                    windowShared++;
                }
            }
        }
        double ofWindows = windowTotal == 0 ? 0 : (double) windowShared / windowTotal;
        double ofTokens = tokenTotal == 0 ? 0 : (double) tokenShared / tokenTotal;
        return Math.max(ofWindows, ofTokens);
    }

    private static long hash(int[] tokens, int start) {
        long h = 0xcbf29ce484222325L;
        for (int i = start; i < start + N; i++) {
            h = (h ^ tokens[i]) * 0x100000001b3L;
        }
        return h;
    }
}
