package io.gptq4j.engine.tokenizer;

import io.gptq4j.engine.io.GgufFile;
import io.gptq4j.engine.io.ModelFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a SentencePiece vocabulary from a GGUF file's {@code tokenizer.ggml.*} metadata
 * (model {@code llama}). Like llama.cpp, it adds the dummy prefix unless
 * {@code tokenizer.ggml.add_space_prefix} is false and removes extra spaces only when
 * {@code tokenizer.ggml.remove_extra_whitespaces} is true.
 */
public final class GgufVocabularyReader {
    private static final String MODEL_KEY = "tokenizer.ggml.model";

    private GgufVocabularyReader() {
    }

    /** Returns true when the file has a SentencePiece ({@code llama}) vocabulary. */
    public static boolean hasSentencePieceVocabulary(GgufFile gguf) {
        return "llama".equals(gguf.stringOrNull(MODEL_KEY)) && gguf.hasKey("tokenizer.ggml.tokens");
    }

    /**
     * Reads the vocabulary.
     *
     * @throws ModelFormatException when the tokenizer is not SentencePiece or the arrays disagree
     */
    public static Vocabulary read(GgufFile gguf) {
        String model = gguf.stringOrNull(MODEL_KEY);
        if (!"llama".equals(model)) {
            throw new ModelFormatException(gguf.file(), MODEL_KEY + " is '" + model
                    + "'; only SentencePiece vocabularies ('llama') are supported");
        }
        String[] tokens = gguf.requireArray("tokenizer.ggml.tokens", String[].class);
        int n = tokens.length;
        float[] scores = gguf.hasKey("tokenizer.ggml.scores")
                ? gguf.requireArray("tokenizer.ggml.scores", float[].class)
                : new float[n];
        int[] typeIds = gguf.hasKey("tokenizer.ggml.token_type")
                ? gguf.requireArray("tokenizer.ggml.token_type", int[].class)
                : filled(n, PieceType.NORMAL.id());
        if (scores.length != n || typeIds.length != n) {
            throw new ModelFormatException(gguf.file(), "tokenizer.ggml.tokens has " + n + " entries but scores has "
                    + scores.length + " and token_type " + typeIds.length);
        }
        List<PieceType> types = new ArrayList<>(n);
        for (int id = 0; id < n; id++) {
            try {
                types.add(PieceType.byId(typeIds[id]));
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(gguf.file(), "tokenizer.ggml.token_type of token " + id + ": " + e.getMessage());
            }
        }
        try {
            return new Vocabulary(Arrays.asList(tokens), scores, types,
                    specialId(gguf, "tokenizer.ggml.unknown_token_id", 0, n),
                    specialId(gguf, "tokenizer.ggml.bos_token_id", 1, n),
                    specialId(gguf, "tokenizer.ggml.eos_token_id", 2, n),
                    gguf.boolOr("tokenizer.ggml.add_space_prefix", true),
                    gguf.boolOr("tokenizer.ggml.remove_extra_whitespaces", false));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(gguf.file(), "invalid tokenizer metadata: " + e.getMessage(), e);
        }
    }

    /** Reads a special token id; absent or out of range (e.g. 0xFFFFFFFF for "none") gives -1. */
    private static int specialId(GgufFile gguf, String key, int defaultId, int size) {
        Object value = gguf.metadata().get(key);
        long id = value instanceof Number number ? number.longValue() : defaultId;
        return id >= 0 && id < size ? (int) id : -1;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }
}
