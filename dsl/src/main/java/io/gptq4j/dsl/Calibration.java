package io.gptq4j.dsl;

import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The source of calibration samples: a text file cut into windows of {@code seqLen} tokens.
 * The text is read as UTF-8 with no newline translation, encoded once as [BOS] + encode(text), and
 * cut into non-overlapping windows from token 0 (the tail is dropped). Without a seed the first
 * {@code samples} windows are used; with a seed the windows are a {@link Random}-shuffled choice.
 * Each window is one calibration sample, run alone at positions 0..seqLen-1. Immutable.
 *
 * @param file    text file name, resolved with {@link DataFiles#resolve}
 * @param samples number of windows
 * @param seqLen  tokens per window
 * @param seed    shuffle seed, or null for the first windows in order
 */
public record Calibration(String file, int samples, int seqLen, Long seed) {

    public Calibration {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples " + samples + " is invalid; use a positive count such as 32 or 128");
        }
        if (seqLen < 2) {
            throw new IllegalArgumentException("seqLen " + seqLen + " is invalid; use at least 2 tokens, e.g. 256 or 2048");
        }
    }

    /** Starts a calibration from a text file: 128 windows of 512 tokens, in order. */
    public static Calibration text(String file) {
        return new Calibration(file, 128, 512, null);
    }

    /** Returns a copy with another number of windows. */
    public Calibration samples(int newSamples) {
        return new Calibration(file, newSamples, seqLen, seed);
    }

    /** Returns a copy with another window length in tokens. */
    public Calibration seqLen(int newSeqLen) {
        return new Calibration(file, samples, newSeqLen, seed);
    }

    /** Returns a copy that picks the windows at random with this seed. */
    public Calibration seed(long newSeed) {
        return new Calibration(file, samples, seqLen, newSeed);
    }

    /**
     * Reads, tokenizes and cuts the text.
     *
     * @throws IllegalArgumentException when the file is missing or too short for the requested windows
     */
    public Windows load(Tokenizer tokenizer) {
        Path path = DataFiles.resolve(file);
        int[] tokens = tokenize(path, tokenizer);
        int available = tokens.length / seqLen;
        if (available < samples) {
            throw new IllegalArgumentException(path + " has " + tokens.length + " tokens, enough for " + available
                    + " windows of " + seqLen + " but " + samples + " were requested; use fewer samples, a smaller seqLen"
                    + " or a longer text");
        }
        List<Integer> order = new ArrayList<>();
        for (int w = 0; w < available; w++) {
            order.add(w);
        }
        if (seed != null) {
            Collections.shuffle(order, new Random(seed));
        }
        int[][] windows = new int[samples][];
        for (int s = 0; s < samples; s++) {
            int start = order.get(s) * seqLen;
            windows[s] = Arrays.copyOfRange(tokens, start, start + seqLen);
        }
        return new Windows(path, DataFiles.sha256(path), windows);
    }

    /** Returns [BOS] + encode(text of {@code path}), encoded in one piece. */
    static int[] tokenize(Path path, Tokenizer tokenizer) {
        try {
            return Perplexity.tokenize(tokenizer, Perplexity.readText(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Returns the settings as an ordered map, the form recipes store. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("file", file);
        map.put("samples", samples);
        map.put("seqLen", seqLen);
        map.put("seed", seed);
        return map;
    }

    /**
     * Calibration windows ready to run.
     *
     * @param path    the resolved text file
     * @param sha256  SHA-256 of the file's bytes
     * @param windows token ids, [samples][seqLen]
     */
    public record Windows(Path path, String sha256, int[][] windows) {

        /** Returns the number of calibration tokens, samples x seqLen. */
        public long tokenCount() {
            return (long) windows.length * windows[0].length;
        }
    }
}
