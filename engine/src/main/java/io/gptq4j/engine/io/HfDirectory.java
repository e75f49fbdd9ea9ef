package io.gptq4j.engine.io;

import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Path;

/** Entry point for Hugging Face model directories ({@code config.json} plus safetensors). */
final class HfDirectory {
    private HfDirectory() {
    }

    // TODO: replace with the Hugging Face directory loader.
    static LlamaModel loadHuggingFaceDirectory(Path directory) throws IOException {
        throw new ModelFormatException(directory, "Hugging Face directories are not supported yet; "
                + "convert the model to GGUF (F32, F16 or Q8_0) with llama.cpp's convert_hf_to_gguf.py and load that file");
    }
}
