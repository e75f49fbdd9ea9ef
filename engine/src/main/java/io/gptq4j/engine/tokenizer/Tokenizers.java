package io.gptq4j.engine.tokenizer;

import io.gptq4j.engine.io.GgufFile;
import io.gptq4j.engine.io.GgufReader;
import io.gptq4j.engine.io.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Loads a tokenizer from a file, choosing the reader by the file's content. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * Loads a SentencePiece BPE tokenizer from a GGUF file (its {@code tokenizer.ggml.*} vocabulary),
     * a SentencePiece {@code .model} file or a llama2.c {@code tokenizer.bin}.
     *
     * @throws ModelFormatException when the file has none of these formats or is corrupt
     */
    public static SentencePieceTokenizer load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "tokenizer file not found");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (GgufReader.hasMagic(head)) {
            return fromGguf(GgufReader.open(file));
        }
        if (head.length > 0 && head[0] == '{') {
            throw new ModelFormatException(file, "Hugging Face tokenizer.json files are not supported; pass the "
                    + "model's SentencePiece tokenizer.model, a llama2.c tokenizer.bin or a GGUF file");
        }
        // A ModelProto starts with field 1 (tag 0x0A) and the non-zero length of the first piece.
        // A tokenizer.bin starts with its int32 max_token_length, whose second byte is 0 for any length below 256.
        if (head.length >= 2 && head[0] == 0x0A && head[1] != 0) {
            return new SentencePieceTokenizer(SentencePieceModelReader.read(file));
        }
        return new SentencePieceTokenizer(Llama2cTokenizerReader.read(file));
    }

    /** Builds the tokenizer stored in a GGUF file. */
    public static SentencePieceTokenizer fromGguf(GgufFile gguf) {
        return new SentencePieceTokenizer(GgufVocabularyReader.read(gguf));
    }
}
