package io.gptq4j.engine.quant;

import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.tokenizer.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * GPTQ calibration samples: {@code nsamples} windows of {@code seqlen} token ids, each one batch
 * row that runs alone at positions 0..seqlen-1. Windows cut from a text come from
 * tokens = [BOS] + encode(whole text), encoded once.
 *
 * @param windows        the token ids, [nsamples][seqlen]; every window has the same length
 * @param sampling       how the windows were cut from the token stream
 * @param seed           the RNG seed for {@link Sampling#RANDOM}, 0 otherwise
 * @param sourceTokens   length of the token stream the windows were cut from (BOS included), or
 *                       -1 for windows given directly
 * @param textSha256     SHA-256 (hex) of the calibration text as UTF-8 bytes, or null for windows
 *                       given directly
 * @param windowsSha256  SHA-256 (hex) of all window ids as int32 little-endian, row-major
 */
public record CalibrationWindows(
        int[][] windows,
        Sampling sampling,
        long seed,
        int sourceTokens,
        String textSha256,
        String windowsSha256) {

    /** Where the windows start in the token stream. */
    public enum Sampling {
        /** Non-overlapping windows at starts 0, seqlen, 2·seqlen, … (the GPTQ perplexity protocol). */
        CONSECUTIVE,
        /**
         * Start positions drawn independently and uniformly from [0, n − seqlen] by
         * {@code java.util.SplittableRandom(seed).nextInt(0, n - seqlen + 1)}, one draw per window
         * in window order; windows may overlap.
         */
        RANDOM,
        /** Windows given as token ids by the caller. */
        GIVEN
    }

    public CalibrationWindows {
        if (windows.length == 0) {
            throw new IllegalArgumentException("calibration needs at least one window");
        }
        int seqlen = windows[0].length;
        if (seqlen == 0) {
            throw new IllegalArgumentException("calibration windows must not be empty");
        }
        int[][] copy = new int[windows.length][];
        for (int s = 0; s < windows.length; s++) {
            if (windows[s].length != seqlen) {
                throw new IllegalArgumentException("calibration window " + s + " has " + windows[s].length
                        + " tokens, expected " + seqlen + " like window 0");
            }
            copy[s] = windows[s].clone();
        }
        windows = copy;
    }

    /**
     * Tokenizes a text as [BOS] + encode(text) and cuts windows from it.
     *
     * @param seed used only for {@link Sampling#RANDOM}
     * @throws IllegalArgumentException when the text has too few tokens for the request
     */
    public static CalibrationWindows fromText(Tokenizer tokenizer, String text, int nsamples, int seqlen,
                                              Sampling sampling, long seed) {
        int[] tokens = Perplexity.tokenize(tokenizer, text);
        String textSha = sha256Hex(text.getBytes(StandardCharsets.UTF_8));
        return fromTokens(tokens, nsamples, seqlen, sampling, seed, textSha);
    }

    /**
     * Cuts windows from a token stream that already starts with BOS.
     *
     * @param textSha256 hash of the text the tokens came from, or null when unknown
     */
    public static CalibrationWindows fromTokens(int[] tokens, int nsamples, int seqlen, Sampling sampling,
                                                long seed, String textSha256) {
        if (nsamples <= 0) {
            throw new IllegalArgumentException("nsamples must be positive, got " + nsamples);
        }
        if (seqlen <= 0) {
            throw new IllegalArgumentException("seqlen must be positive, got " + seqlen);
        }
        int[][] windows = new int[nsamples][];
        switch (sampling) {
            case CONSECUTIVE -> {
                long needed = (long) nsamples * seqlen;
                if (needed > tokens.length) {
                    throw new IllegalArgumentException("the calibration text has " + tokens.length
                            + " tokens (BOS included), fewer than " + nsamples + " windows x " + seqlen
                            + " = " + needed + "; use a longer text, fewer samples or random sampling");
                }
                for (int s = 0; s < nsamples; s++) {
                    windows[s] = slice(tokens, s * seqlen, seqlen);
                }
            }
            case RANDOM -> {
                if (tokens.length < seqlen) {
                    throw new IllegalArgumentException("the calibration text has " + tokens.length
                            + " tokens (BOS included), fewer than one window of seqlen " + seqlen);
                }
                SplittableRandom random = new SplittableRandom(seed);
                for (int s = 0; s < nsamples; s++) {
                    windows[s] = slice(tokens, random.nextInt(0, tokens.length - seqlen + 1), seqlen);
                }
            }
            case GIVEN -> throw new IllegalArgumentException("use CalibrationWindows.of for windows given as ids");
        }
        long usedSeed = sampling == Sampling.RANDOM ? seed : 0;
        return new CalibrationWindows(windows, sampling, usedSeed, tokens.length, textSha256, sha256(windows));
    }

    /** Wraps windows of token ids given by the caller (copied). */
    public static CalibrationWindows of(int[][] windows) {
        return new CalibrationWindows(windows, Sampling.GIVEN, 0, -1, null, sha256(windows));
    }

    /** Wraps a list of windows of token ids given by the caller (copied). */
    public static CalibrationWindows of(List<int[]> windows) {
        return of(windows.toArray(new int[0][]));
    }

    public int nsamples() {
        return windows.length;
    }

    public int seqlen() {
        return windows[0].length;
    }

    /** Total calibration tokens, nsamples · seqlen. */
    public long ntokens() {
        return (long) nsamples() * seqlen();
    }

    /** Returns a copy of window s. */
    public int[] window(int s) {
        return windows[s].clone();
    }

    /** Returns a deep copy of all windows; the record's own arrays stay private. */
    @Override
    public int[][] windows() {
        int[][] copy = new int[windows.length][];
        for (int s = 0; s < windows.length; s++) {
            copy[s] = windows[s].clone();
        }
        return copy;
    }

    private static int[] slice(int[] tokens, int start, int length) {
        int[] w = new int[length];
        System.arraycopy(tokens, start, w, 0, length);
        return w;
    }

    /** SHA-256 of the ids as int32 little-endian, row-major. */
    static String sha256(int[][] windows) {
        MessageDigest digest = newDigest();
        for (int[] w : windows) {
            ByteBuffer bytes = ByteBuffer.allocate(w.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asIntBuffer().put(w);
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM provides no SHA-256", e);
        }
    }
}
