package io.gptq4j.engine.eval;

import io.gptq4j.engine.forward.LlamaForward;
import io.gptq4j.engine.model.LlamaModel;
import io.gptq4j.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Perplexity under the protocol of the GPTQ paper (Frantar et al., 2022) and AutoGPTQ:
 * tokens = [BOS] + encode(whole text), encoded once; non-overlapping windows of seqlen tokens
 * from token 0, the incomplete tail dropped; each window runs alone at positions 0..seqlen-1;
 * a window scores the mean cross-entropy of its seqlen-1 next-token predictions;
 * perplexity = exp(mean over windows).
 */
public final class Perplexity {
    private static final Logger LOG = LoggerFactory.getLogger(Perplexity.class);

    /** Receives each window's mean cross-entropy as soon as it is computed, e.g. for progress. */
    @FunctionalInterface
    public interface WindowListener {
        void onWindow(int window, int windows, double meanCe);
    }

    private Perplexity() {
    }

    /** Reads a text file as raw bytes decoded as UTF-8, with no newline translation or trimming. */
    public static String readText(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** Returns [BOS] + encode(text), with the text encoded in one piece. */
    public static int[] tokenize(Tokenizer tokenizer, String text) {
        int[] encoded = tokenizer.encode(text);
        int[] tokens = new int[encoded.length + 1];
        tokens[0] = tokenizer.bosId();
        System.arraycopy(encoded, 0, tokens, 1, encoded.length);
        return tokens;
    }

    /** Tokenizes text with {@link #tokenize} and evaluates it. */
    public static PerplexityResult evaluate(LlamaModel model, Tokenizer tokenizer, String text, int seqlen) {
        return evaluate(model, tokenize(tokenizer, text), seqlen, null);
    }

    /** Evaluates a token sequence that already starts with BOS. */
    public static PerplexityResult evaluate(LlamaModel model, int[] tokens, int seqlen) {
        return evaluate(model, tokens, seqlen, null);
    }

    /**
     * Evaluates a token sequence that already starts with BOS.
     *
     * @param listener called for each window in order, on the calling thread; may be null
     * @throws IllegalArgumentException when seqlen is below 2 or the sequence is shorter than seqlen
     * @throws CancellationException    when the calling thread is interrupted; the interrupt flag
     *                                  stays set
     */
    public static PerplexityResult evaluate(LlamaModel model, int[] tokens, int seqlen, WindowListener listener) {
        if (seqlen < 2) {
            throw new IllegalArgumentException("seqlen must be at least 2 (one next-token prediction), got " + seqlen);
        }
        if (tokens.length < seqlen) {
            throw new IllegalArgumentException("the text has " + tokens.length
                    + " tokens (BOS included), fewer than one window of seqlen " + seqlen
                    + "; use a longer text or a smaller seqlen");
        }
        if (seqlen > model.config().contextLength()) {
            LOG.warn("seqlen {} exceeds the context length {} the model declares", seqlen,
                    model.config().contextLength());
        }
        int windows = tokens.length / seqlen;
        int vocab = model.config().vocabSize();
        double[] windowMeanCe = new double[windows];
        // A small model's window runs on one thread, so windows run side by side instead; a large
        // model's products are already parallel inside the BLAS.
        int batch = LlamaForward.runsSingleThreaded(model.config(), seqlen)
                ? 2 * Runtime.getRuntime().availableProcessors() : 1;
        long start = System.nanoTime();
        for (int first = 0; first < windows; first += batch) {
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new CancellationException("perplexity interrupted after " + first + " of " + windows + " windows");
            }
            int end = Math.min(windows, first + batch);
            IntStream range = IntStream.range(first, end);
            (batch > 1 ? range.parallel() : range).forEach(w -> {
                int[] window = Arrays.copyOfRange(tokens, w * seqlen, (w + 1) * seqlen);
                windowMeanCe[w] = meanCrossEntropy(LlamaForward.logits(model, window), window, vocab);
            });
            if (listener != null) {
                for (int w = first; w < end; w++) {
                    listener.onWindow(w, windows, windowMeanCe[w]);
                }
            }
        }
        double meanCe = Arrays.stream(windowMeanCe).average().orElseThrow();
        PerplexityResult result = new PerplexityResult(Math.exp(meanCe), tokens.length, windows, seqlen, windowMeanCe);
        LOG.debug("perplexity {} over {} windows of {} tokens in {} ms", result.perplexity(), windows, seqlen,
                (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    /**
     * Returns the mean over positions j = 0..n-2 of -log softmax(logits_j)[tokens[j+1]], with the
     * log-softmax computed in double.
     */
    static double meanCrossEntropy(float[] logits, int[] tokens, int vocab) {
        int predictions = tokens.length - 1;
        double sum = 0;
        for (int j = 0; j < predictions; j++) {
            sum += crossEntropy(logits, j * vocab, vocab, tokens[j + 1]);
        }
        return sum / predictions;
    }

    private static double crossEntropy(float[] logits, int offset, int vocab, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sumExp = 0;
        for (int i = 0; i < vocab; i++) {
            sumExp += Math.exp(logits[offset + i] - max);
        }
        return max + Math.log(sumExp) - logits[offset + target];
    }
}
