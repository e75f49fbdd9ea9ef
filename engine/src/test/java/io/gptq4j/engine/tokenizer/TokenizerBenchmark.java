package io.gptq4j.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times {@link SentencePieceTokenizer#encode} on a text file after a warm-up.
 * Usage: {@code TokenizerBenchmark TOKENIZER_FILE TEXT_FILE [ROUNDS]}.
 */
public final class TokenizerBenchmark {
    private TokenizerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Tokenizer tokenizer = Tokenizers.load(Path.of(args[0]));
        String text = new String(Files.readAllBytes(Path.of(args[1])), StandardCharsets.UTF_8);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        long start = System.nanoTime();
        int tokens = tokenizer.encode(text).length;
        System.out.printf("first encode (cold JIT): %.1f ms, %d tokens%n", (System.nanoTime() - start) / 1e6, tokens);
        for (int i = 0; i < 3; i++) {
            tokenizer.encode(text);
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            start = System.nanoTime();
            tokenizer.encode(text);
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        System.out.printf("warm encode, best of %d: %.1f ms for %d characters%n", rounds, best, text.length());
    }
}
