package io.gptq4j.engine.eval;

import java.util.Arrays;

/**
 * Perplexity of a model on one token sequence under the GPTQ protocol (see {@link Perplexity}).
 *
 * @param perplexity    exp of the mean of {@code windowMeanCe}
 * @param tokens        length of the evaluated sequence, BOS included, tail included
 * @param windows       number of full windows scored
 * @param seqlen        window length in tokens
 * @param windowMeanCe  per window, the mean cross-entropy (nats) of its seqlen-1 next-token predictions
 */
public record PerplexityResult(double perplexity, int tokens, int windows, int seqlen, double[] windowMeanCe) {

    public PerplexityResult {
        windowMeanCe = windowMeanCe.clone();
        if (windowMeanCe.length != windows) {
            throw new IllegalArgumentException("windowMeanCe has " + windowMeanCe.length
                    + " entries, expected one per window (" + windows + ")");
        }
    }

    /** Returns a copy of the per-window mean cross-entropies. */
    @Override
    public double[] windowMeanCe() {
        return windowMeanCe.clone();
    }

    /** Returns the mean cross-entropy over windows, in nats per token: log(perplexity). */
    public double meanCe() {
        return Arrays.stream(windowMeanCe).average().orElse(Double.NaN);
    }

    /** Returns the tokens after the last full window, which are not scored. */
    public int droppedTokens() {
        return tokens - windows * seqlen;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PerplexityResult r
                && Double.compare(perplexity, r.perplexity) == 0
                && tokens == r.tokens
                && windows == r.windows
                && seqlen == r.seqlen
                && Arrays.equals(windowMeanCe, r.windowMeanCe);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(perplexity) + Arrays.hashCode(windowMeanCe);
    }

    @Override
    public String toString() {
        return String.format("PerplexityResult[perplexity=%.6f, tokens=%d, windows=%d, seqlen=%d]",
                perplexity, tokens, windows, seqlen);
    }
}
