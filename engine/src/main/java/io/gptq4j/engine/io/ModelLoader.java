package io.gptq4j.engine.io;

import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads a LLaMA-family model from a path, choosing the reader by the file's content rather than
 * its name: GGUF, llama2.c checkpoints (version 1 with the {@code ak42} magic, or the legacy
 * header-only layout) and Hugging Face directories containing {@code config.json}.
 */
public final class ModelLoader {
    private static final int HEAD_BYTES = 256;

    private ModelLoader() {
    }

    /**
     * Loads the model at {@code path} with the tokenizer that comes with it, if any.
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
        if (GgufReader.hasMagic(head)) {
            GgufFile gguf = GgufReader.open(path);
            return GgufLlamaLoader.load(gguf, null);
        }
        rejectPyTorchPickle(path, head);
        throw new ModelFormatException(path, "unrecognized model format: not GGUF, not a llama2.c checkpoint; "
                + "supported are .gguf files (F32, F16, BF16, Q8_0), llama2.c .bin checkpoints and Hugging Face directories");
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
