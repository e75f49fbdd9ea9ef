package io.gptq4j.engine.io;

import io.gptq4j.engine.io.hf.HfModelLoader;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Path;

/** Entry point for Hugging Face model directories ({@code config.json} plus safetensors), GPTQ checkpoints included. */
final class HfDirectory {
    private HfDirectory() {
    }

    static LlamaModel loadHuggingFaceDirectory(Path directory) throws IOException {
        return HfModelLoader.load(directory);
    }
}
