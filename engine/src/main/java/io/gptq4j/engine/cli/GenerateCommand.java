package io.gptq4j.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.eval.Perplexity;
import io.gptq4j.engine.forward.Generator;
import io.gptq4j.engine.model.LlamaModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gptq4j generate}: greedy continuation of a prompt. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continues a prompt greedily (argmax at every step) and prints the prompt with its continuation.")
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "",
            description = "text to continue; empty starts from BOS alone (default: empty)")
    String prompt;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "70",
            description = "maximum number of tokens to generate; EOS stops earlier (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CliChecks.requireAtLeast("--max-tokens", maxTokens, 0, "tokens to generate");
        LlamaModel model = modelOptions.load();
        int[] promptTokens = Perplexity.tokenize(model.tokenizer(), prompt);
        int[] generated = Generator.greedy(model, promptTokens, maxTokens);
        int[] all = new int[promptTokens.length + generated.length];
        System.arraycopy(promptTokens, 0, all, 0, promptTokens.length);
        System.arraycopy(generated, 0, all, promptTokens.length, generated.length);
        String text = model.tokenizer().decode(all);

        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode out = mapper.createObjectNode();
            out.put("model", model.source().toString());
            out.put("prompt", prompt);
            out.set("prompt_tokens", mapper.valueToTree(promptTokens));
            out.set("generated_tokens", mapper.valueToTree(generated));
            out.put("text", text);
            spec.commandLine().getOut().println(out);
        } else {
            spec.commandLine().getOut().println(text);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
