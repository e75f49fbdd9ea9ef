package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.tokenizer.SentencePieceTokenizer;
import io.gptq4j.engine.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the tokenizer of an exported model next to its weights: the source directory's tokenizer
 * files when the model came from a Hugging Face directory, or a {@code tokenizer.json} built from
 * the SentencePiece vocabulary the model was loaded with (from a GGUF file, or a tokenizer file
 * given with a llama2.c checkpoint). A model without a tokenizer gets none. No SentencePiece
 * {@code tokenizer.model} is written for a GGUF source, because GGUF does not store the protobuf's
 * trainer and normalizer settings.
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
        if (model.tokenizer() instanceof SentencePieceTokenizer sp) {
            return fromVocabulary(sp.vocabulary(), dir);
        }
        LOG.warn("{} carries no tokenizer; the exported directory has none. Copy tokenizer.json or tokenizer.model"
                + " into it by hand", source);
        return List.of();
    }

    private static List<String> fromVocabulary(Vocabulary v, Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), LlamaTokenizerJson.build(v));
        var config = new ObjectMapper().createObjectNode();
        config.put("tokenizer_class", "LlamaTokenizerFast");
        putToken(config, "bos_token", v, v.bosId());
        putToken(config, "eos_token", v, v.eosId());
        putToken(config, "unk_token", v, v.unkId());
        config.put("add_bos_token", v.bosId() >= 0);
        config.put("add_eos_token", false);
        Files.writeString(dir.resolve("tokenizer_config.json"), config.toPrettyString() + "\n");
        return List.of("tokenizer.json", "tokenizer_config.json");
    }

    private static void putToken(com.fasterxml.jackson.databind.node.ObjectNode config, String key, Vocabulary v, int id) {
        if (id >= 0) {
            config.put(key, v.pieces().get(id));
        }
    }
}
