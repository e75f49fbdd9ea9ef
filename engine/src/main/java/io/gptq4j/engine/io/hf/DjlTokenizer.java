package io.gptq4j.engine.io.hf;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust {@code tokenizers} library through DJL's
 * binding. DJL unpacks the native library from its jar into {@code ~/.djl.ai} (or
 * {@code DJL_CACHE_DIR}), so no network access is needed. {@link #encode} adds no special tokens;
 * callers prepend BOS themselves.
 */
public final class DjlTokenizer implements Tokenizer, AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int bosId;
    private final int eosId;
    private final int vocabSize;

    private DjlTokenizer(HuggingFaceTokenizer tokenizer, int bosId, int eosId, int vocabSize) {
        this.tokenizer = tokenizer;
        this.bosId = bosId;
        this.eosId = eosId;
        this.vocabSize = vocabSize;
    }

    /**
     * Opens {@code tokenizer.json}.
     *
     * @throws ModelFormatException when the file cannot be parsed
     * @throws IllegalStateException when the native library cannot be loaded on this platform
     */
    public static DjlTokenizer open(Path tokenizerJson, int bosId, int eosId, int vocabSize) throws IOException {
        // Truncation and padding would silently cut long perplexity texts; the model sees every token.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(tokenizerJson, options);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalStateException("cannot load the native Hugging Face tokenizers library that DJL ships ("
                    + e + "); use tokenizer.model (SentencePiece) instead or run on linux-x86_64/aarch64 or macOS", e);
        } catch (RuntimeException e) {
            throw new ModelFormatException(tokenizerJson, "cannot parse tokenizer.json: " + e.getMessage(), e);
        }
        return new DjlTokenizer(t, bosId, eosId, vocabSize);
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public String decodePiece(int previous, int id) {
        // Decoders strip a leading space from the first token only, so decode the pair and remove the prefix.
        String before = tokenizer.decode(new long[] {previous}, true);
        String both = tokenizer.decode(new long[] {previous, id}, true);
        return both.startsWith(before) ? both.substring(before.length()) : tokenizer.decode(new long[] {id}, true);
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
