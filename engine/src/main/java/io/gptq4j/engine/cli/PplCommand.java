package io.gptq4j.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.eval.PerplexityResult;
import io.gptq4j.engine.model.LlamaModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gptq4j ppl}: perplexity of a model on a text under the GPTQ paper's protocol. */
@Command(name = "ppl", mixinStandardHelpOptions = true,
        description = {
            "Measures the perplexity of a model on a text: tokens = [BOS] + encode(text), split into"
                    + " non-overlapping windows of --seqlen tokens (the tail is dropped), each window run"
                    + " alone; perplexity = exp(mean over windows of the mean next-token cross-entropy)."
        })
public final class PplCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--text", paramLabel = "FILE",
            description = "UTF-8 text to evaluate, read as-is (default: " + DefaultData.TEXT
                    + " from $" + DefaultData.ENV + " or ../shared/data)")
    Path text;

    @Option(names = "--seqlen", paramLabel = "N", defaultValue = "512",
            description = "window length in tokens (default: ${DEFAULT-VALUE})")
    int seqlen;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CliChecks.requireAtLeast("--seqlen", seqlen, 2, "tokens per window (one next-token prediction)");
        Path modelPath = modelOptions.modelPath();
        Path textPath = text != null ? DefaultData.requireFile(text) : DefaultData.find(DefaultData.TEXT, "--text");
        LlamaModel model = modelOptions.load(modelPath);
        int[] tokens = Perplexity.tokenize(model.tokenizer(), Perplexity.readText(textPath));
        PerplexityResult result;
        try {
            result = Perplexity.evaluate(model, tokens, seqlen);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(textPath + ": " + e.getMessage(), e);
        }

        if (json) {
            ObjectNode out = new ObjectMapper().createObjectNode();
            out.put("model", model.source().toString());
            out.put("text", textPath.toString());
            out.put("tokenizer", modelOptions.tokenizer != null ? modelOptions.tokenizer.toString() : null);
            out.put("perplexity", result.perplexity());
            out.put("tokens", result.tokens());
            out.put("windows", result.windows());
            out.put("seqlen", result.seqlen());
            out.put("mean_ce", result.meanCe());
            spec.commandLine().getOut().println(out);
        } else {
            spec.commandLine().getOut().printf("perplexity %.6f (%d tokens with BOS, %d windows of %d, %d dropped)%n"
                    + "model %s%ntext  %s%n", result.perplexity(), result.tokens(), result.windows(),
                    result.seqlen(), result.droppedTokens(), model.source(), textPath);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
