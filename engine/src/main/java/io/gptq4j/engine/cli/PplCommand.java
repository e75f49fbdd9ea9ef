package io.gptq4j.engine.cli;

import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.eval.PerplexityResult;
import io.gptq4j.engine.io.ModelLoader;
import io.gptq4j.engine.io.hf.HfHub;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.tokenizer.Tokenizer;
import io.gptq4j.engine.tokenizer.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gptq4j ppl}: perplexity of a model on a text under the GPTQ protocol (non-overlapping
 * windows of {@code seqlen} tokens from one encode of the whole text with BOS, tail dropped).
 */
@Command(name = "ppl", mixinStandardHelpOptions = true,
        description = "Measure perplexity: GGUF file, llama2.c checkpoint, Hugging Face directory, GPTQ checkpoint"
                + " directory or hf://OWNER/REPO[@REVISION][/PATH].")
public final class PplCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Model path or hf:// location (default: stories260K.gguf in the data folder).")
    String model;

    @Option(names = "--text", description = "UTF-8 text file, read as is (default: tinystories_valid_eval.txt in the data folder).")
    Path text;

    @Option(names = "--tokenizer", description = "Tokenizer file when the model has none (tokenizer.model, tokenizer.bin or a GGUF file).")
    Path tokenizer;

    @Option(names = "--seqlen", defaultValue = "512", description = "Window length in tokens (default: ${DEFAULT-VALUE}).")
    int seqlen;

    @Option(names = "--max-windows", defaultValue = "0", description = "Score only the first N windows; 0 scores all.")
    int maxWindows;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path modelPath = model != null ? HfHub.resolveModelPath(model) : DataFolder.file("stories260K.gguf");
        LlamaModel loaded = ModelLoader.load(modelPath);
        Tokenizer tok = tokenizer != null ? Tokenizers.load(tokenizer) : loaded.tokenizer();
        if (tok == null) {
            throw new IllegalArgumentException(modelPath + " carries no tokenizer; pass one with --tokenizer");
        }
        Path textPath = text != null ? text : DataFolder.file("tinystories_valid_eval.txt");
        int[] tokens = Perplexity.tokenize(tok, Perplexity.readText(textPath));
        if (maxWindows > 0 && (long) maxWindows * seqlen < tokens.length) {
            tokens = Arrays.copyOf(tokens, maxWindows * seqlen);
        }
        PerplexityResult r = Perplexity.evaluate(loaded, tokens, seqlen);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "perplexity %.6f (%d windows of %d tokens, %d tokens, %d dropped) model %s text %s%n",
                r.perplexity(), r.windows(), r.seqlen(), r.tokens(), r.droppedTokens(), modelPath, textPath);
        out.flush();
        return 0;
    }

    /** Default data folder: {@code $GPTQ4J_DATA}, else {@code ../shared/data} beside the installation. */
    static final class DataFolder {
        private DataFolder() {
        }

        static Path file(String name) throws NoSuchFileException {
            String env = System.getenv("GPTQ4J_DATA");
            String home = System.getProperty("gptq4j.home", ".");
            Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(home).resolve("../shared/data").normalize();
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null,
                        "default data file not found; pass the file explicitly or set GPTQ4J_DATA");
            }
            return file;
        }
    }
}
