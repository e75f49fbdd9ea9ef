package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.io.GgufFile;
import io.gptq4j.engine.io.GgufReader;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the tokenizer of an exported model next to its weights: the source directory's tokenizer
 * files when the model came from a Hugging Face directory, or a {@code tokenizer.json} built from
 * the vocabulary embedded in a GGUF file ({@code tokenizer.ggml.model = llama}). A llama2.c
 * checkpoint carries no tokenizer, so nothing is written for it. A GGUF vocabulary cannot be
 * turned back into a SentencePiece {@code tokenizer.model}: the protobuf's trainer and normalizer
 * settings are not stored in GGUF.
 */
public final class TokenizerFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFiles.class);

    private TokenizerFiles() {
    }

    /** Writes the tokenizer files for {@code model} into {@code dir}; returns the names written. */
    public static List<String> write(LlamaModel model, Path dir) throws IOException {
        Path source = model.source();
        if (source != null && Files.isDirectory(source)) {
            List<String> copied = new java.util.ArrayList<>();
            for (String name : HfTokenizers.FILES) {
                Path f = source.resolve(name);
                if (Files.isRegularFile(f)) {
                    Files.copy(f, dir.resolve(name));
                    copied.add(name);
                }
            }
            return copied;
        }
        if (source != null && Files.isRegularFile(source) && GgufReader.hasMagic(head(source))) {
            return fromGguf(GgufReader.open(source), dir);
        }
        LOG.warn("{} carries no tokenizer; the exported directory has none. Copy tokenizer.json or tokenizer.model"
                + " into it by hand", source);
        return List.of();
    }

    private static List<String> fromGguf(GgufFile gguf, Path dir) throws IOException {
        Object kind = gguf.metadata().get("tokenizer.ggml.model");
        Object tokens = gguf.metadata().get("tokenizer.ggml.tokens");
        Object scores = gguf.metadata().get("tokenizer.ggml.scores");
        Object types = gguf.metadata().get("tokenizer.ggml.token_type");
        if (!"llama".equals(kind) || !(tokens instanceof String[] t) || !(scores instanceof float[] s)
                || !(types instanceof int[] ty) || s.length != t.length || ty.length != t.length) {
            LOG.warn("{} has no SentencePiece-style (tokenizer.ggml.model = llama) vocabulary; no tokenizer written",
                    gguf.file());
            return List.of();
        }
        int unk = intKey(gguf, "tokenizer.ggml.unknown_token_id", 0);
        int bos = intKey(gguf, "tokenizer.ggml.bos_token_id", 1);
        int eos = intKey(gguf, "tokenizer.ggml.eos_token_id", 2);
        Files.writeString(dir.resolve("tokenizer.json"), LlamaTokenizerJson.build(Arrays.asList(t), s, ty, unk, bos));
        var config = new ObjectMapper().createObjectNode();
        config.put("tokenizer_class", "LlamaTokenizerFast");
        config.put("bos_token", t[bos]);
        config.put("eos_token", t[eos]);
        config.put("unk_token", t[unk]);
        config.put("add_bos_token", true);
        config.put("add_eos_token", false);
        Files.writeString(dir.resolve("tokenizer_config.json"), config.toPrettyString());
        return List.of("tokenizer.json", "tokenizer_config.json");
    }

    private static int intKey(GgufFile gguf, String key, int fallback) {
        Object v = gguf.metadata().get(key);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    private static byte[] head(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        }
    }
}
