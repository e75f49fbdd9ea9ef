package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.tokenizer.Tokenizer;
import io.gptq4j.engine.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the tokenizer of a Hugging Face model directory: {@code tokenizer.json} through DJL, or
 * SentencePiece {@code tokenizer.model} when there is no {@code tokenizer.json} or DJL's native
 * library cannot load. BOS/EOS ids come from {@code generation_config.json}, then
 * {@code config.json}, then the tokens named in {@code tokenizer_config.json}.
 */
public final class HfTokenizers {
    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizers.class);

    /** Tokenizer files a model directory may carry; the GPTQ exporter copies these. */
    public static final String[] FILES = {"tokenizer.json", "tokenizer.model", "tokenizer_config.json",
        "special_tokens_map.json", "generation_config.json", "added_tokens.json"};

    private HfTokenizers() {
    }

    /** Loads the directory's tokenizer, or returns null when it has no tokenizer file. */
    public static Tokenizer load(Path dir, HfConfig config) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        Path spm = dir.resolve("tokenizer.model");
        int[] special = specialIds(dir, config);
        if (Files.isRegularFile(json)) {
            try {
                return DjlTokenizer.open(json, special[0], special[1], config.llama().vocabSize());
            } catch (IllegalStateException e) {
                if (!Files.isRegularFile(spm)) {
                    throw e;
                }
                LOG.warn("{}; falling back to {}", e.getMessage(), spm);
            }
        }
        if (Files.isRegularFile(spm)) {
            return Tokenizers.load(spm);
        }
        LOG.info("{} has no tokenizer.json or tokenizer.model; the model has no tokenizer", dir);
        return null;
    }


    /** Returns {bos, eos}; -1 where no file names one. */
    static int[] specialIds(Path dir, HfConfig config) throws IOException {
        int bos = -1;
        int eos = -1;
        JsonNode gen = readJson(dir.resolve("generation_config.json"));
        if (gen != null) {
            bos = HfConfig.tokenId(gen.get("bos_token_id"));
            eos = HfConfig.tokenId(gen.get("eos_token_id"));
        }
        bos = bos >= 0 ? bos : config.bosId();
        eos = eos >= 0 ? eos : config.eosId();
        if (bos < 0 || eos < 0) {
            JsonNode tc = readJson(dir.resolve("tokenizer_config.json"));
            JsonNode tj = readJson(dir.resolve("tokenizer.json"));
            if (tc != null && tj != null) {
                bos = bos >= 0 ? bos : idOfToken(tj, tokenText(tc.get("bos_token")));
                eos = eos >= 0 ? eos : idOfToken(tj, tokenText(tc.get("eos_token")));
            }
        }
        return new int[] {bos, eos};
    }

    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? node.path("content").asText(null) : node.asText(null);
    }

    private static int idOfToken(JsonNode tokenizerJson, String token) {
        if (token == null) {
            return -1;
        }
        for (JsonNode t : tokenizerJson.path("added_tokens")) {
            if (token.equals(t.path("content").asText())) {
                return t.path("id").asInt(-1);
            }
        }
        JsonNode id = tokenizerJson.path("model").path("vocab").get(token);
        return id != null && id.canConvertToInt() ? id.asInt() : -1;
    }

    private static JsonNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, "invalid JSON: " + e.getMessage(), e);
        }
    }
}
