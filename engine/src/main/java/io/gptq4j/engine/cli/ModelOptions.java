package io.gptq4j.engine.cli;

import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.hf.HfHub;
import io.gptq4j.engine.io.hf.HfHubLocation;
import io.gptq4j.engine.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The --model and --tokenizer options that every command running a model shares. */
public final class ModelOptions {

    @Option(names = "--model", paramLabel = "FILE",
            description = "GGUF file, llama2.c checkpoint, Hugging Face model folder (GPTQ checkpoints included)"
                    + " or hf://OWNER/REPO[@REVISION][/PATH] (default: " + DefaultData.MODEL + " from $"
                    + DefaultData.ENV + " or ../shared/data)")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer to use instead of the model's own: a SentencePiece .model,"
                    + " a llama2.c tokenizer .bin or a GGUF file")
    Path tokenizer;

    /** Returns the model file given (downloaded first for an hf:// location) or found by default. */
    Path modelPath() throws IOException {
        if (model == null) {
            return DefaultData.find(DefaultData.MODEL, "--model");
        }
        return HfHubLocation.isHubLocation(model) ? HfHub.resolveModelPath(model) : DefaultData.requireFile(Path.of(model));
    }

    /**
     * Loads the model with the chosen tokenizer.
     *
     * @throws IllegalArgumentException when the model brings no tokenizer and none was given
     */
    LlamaModel load() throws IOException {
        Path path = modelPath();
        LlamaModel loaded = tokenizer != null
                ? ModelLoader.load(path, DefaultData.requireFile(tokenizer))
                : ModelLoader.load(path);
        if (loaded.tokenizer() == null) {
            throw new IllegalArgumentException(path + ": the model has no tokenizer of its own; pass --tokenizer FILE");
        }
        return loaded;
    }
}
