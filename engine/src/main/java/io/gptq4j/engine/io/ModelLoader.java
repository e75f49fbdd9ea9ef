package io.gptq4j.engine.io;

import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.tokenizer.GgufVocabularyReader;
import io.gptq4j.engine.tokenizer.Tokenizer;
import io.gptq4j.engine.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a LLaMA-family model from a path, choosing the reader by the file's content rather than
 * its name: GGUF, llama2.c checkpoints (version 1 with the {@code ak42} magic, or the legacy
 * header-only layout) and Hugging Face directories containing {@code config.json}.
 */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);
    private static final int HEAD_BYTES = 256;

    private ModelLoader() {
    }

    /**
     * Loads the model at {@code path} and replaces its tokenizer with the one in {@code tokenizerFile}.
     *
     * @throws ModelFormatException when the tokenizer's vocabulary size differs from the model's
     */
    public static LlamaModel load(Path path, Path tokenizerFile) throws IOException {
        LlamaModel model = load(path);
        Tokenizer tokenizer = Tokenizers.load(tokenizerFile);
        checkVocabulary(tokenizerFile, tokenizer, model);
        return model.withTokenizer(tokenizer);
    }

    /**
     * Loads the model at {@code path} with the tokenizer that comes with it: the GGUF vocabulary,
     * or for a llama2.c checkpoint a {@code tokenizer.bin}, {@code tok<vocab>.bin} or
     * {@code tok<vocab>.model} in the same directory. The tokenizer is null when none is found.
     *
     * @throws ModelFormatException when the file is not a supported model or is corrupt
     * @throws NoSuchFileException  when nothing exists at {@code path}
     */
    public static LlamaModel load(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file or directory not found");
        }
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("config.json"))) {
                return HfDirectory.loadHuggingFaceDirectory(path);
            }
            throw new ModelFormatException(path, "directory has no config.json; pass a .gguf file, a llama2.c "
                    + "checkpoint or a Hugging Face model directory");
        }
        byte[] head = readHead(path);
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        // A .gguf name goes to the GGUF reader even without the magic, so its error names the bad magic.
        if (GgufReader.hasMagic(head) || name.endsWith(".gguf")) {
            GgufFile gguf = GgufReader.open(path);
            return GgufLlamaLoader.load(gguf, ggufTokenizer(gguf));
        }
        if (Llama2cHeader.hasMagic(head)) {
            return withSiblingTokenizer(Llama2cReader.load(path));
        }
        rejectPyTorchPickle(path, head);
        // The legacy llama2.c layout has no magic; a .bin name gets its header checked to explain what is wrong.
        if (Llama2cReader.recognizes(head, Files.size(path)) || name.endsWith(".bin")) {
            return withSiblingTokenizer(Llama2cReader.load(path));
        }
        throw new ModelFormatException(path, "unrecognized model format: not GGUF, not a llama2.c checkpoint; "
                + "supported are .gguf files (F32, F16, BF16, Q8_0), llama2.c .bin checkpoints and Hugging Face directories");
    }

    private static Tokenizer ggufTokenizer(GgufFile gguf) {
        if (GgufVocabularyReader.hasSentencePieceVocabulary(gguf)) {
            return Tokenizers.fromGguf(gguf);
        }
        LOG.warn("{}: no SentencePiece vocabulary (tokenizer.ggml.model = {}); the model has no tokenizer, "
                + "pass one with a tokenizer file", gguf.file(), gguf.stringOrNull("tokenizer.ggml.model"));
        return null;
    }

    /** Attaches the first tokenizer file next to a llama2.c checkpoint whose vocabulary size matches. */
    private static LlamaModel withSiblingTokenizer(LlamaModel model) throws IOException {
        Path dir = model.source().toAbsolutePath().getParent();
        int vocab = model.config().vocabSize();
        for (String name : List.of("tokenizer.bin", "tok" + vocab + ".bin", "tok" + vocab + ".model")) {
            Path candidate = dir.resolve(name);
            if (!Files.isRegularFile(candidate)) {
                continue;
            }
            Tokenizer tokenizer = Tokenizers.load(candidate);
            if (tokenizer.vocabSize() == vocab) {
                LOG.info("{}: using tokenizer {}", model.source(), candidate);
                return model.withTokenizer(tokenizer);
            }
            LOG.warn("{}: skipping {}: it has {} tokens, the model {}", model.source(), candidate,
                    tokenizer.vocabSize(), vocab);
        }
        LOG.warn("{}: llama2.c checkpoints contain no tokenizer and none was found next to it (tokenizer.bin, "
                + "tok{}.bin, tok{}.model); pass a tokenizer file explicitly", model.source(), vocab, vocab);
        return model;
    }

    private static void checkVocabulary(Path tokenizerFile, Tokenizer tokenizer, LlamaModel model) {
        if (tokenizer.vocabSize() != model.config().vocabSize()) {
            throw new ModelFormatException(tokenizerFile, "tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model " + model.source() + " has a vocabulary of " + model.config().vocabSize());
        }
    }

    private static void rejectPyTorchPickle(Path path, byte[] head) {
        boolean zip = head.length >= 2 && head[0] == 'P' && head[1] == 'K';
        boolean pickle = head.length >= 1 && (head[0] & 0xFF) == 0x80;
        if (zip || pickle) {
            throw new ModelFormatException(path, "this is a PyTorch pickle checkpoint (" + (zip ? "zip" : "pickle")
                    + " format), which is not loaded because unpickling can run arbitrary code; convert it to safetensors "
                    + "(for example model.save_pretrained(dir, safe_serialization=True) in transformers) and pass that directory");
        }
    }

    static byte[] readHead(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(HEAD_BYTES);
        }
    }
}
