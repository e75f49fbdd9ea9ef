package io.gptq4j.dsl;

/**
 * One configuration in a perplexity comparison.
 *
 * @param configuration   what was evaluated, e.g. {@code original (fp32)}, {@code session}, {@code RTN}
 * @param bits            bit width, or 32 for the unquantized model; for a mixed session the most
 *                        common bit width
 * @param groupSize       group size, or 0 where not applicable
 * @param descAct         act-order
 * @param layersQuantized number of layers with at least one quantized module
 * @param perplexity      perplexity on the evaluation text
 * @param deltaPercent    change against the original model, in percent
 */
public record PerplexityRow(String configuration, int bits, int groupSize, boolean descAct, int layersQuantized,
                            double perplexity, double deltaPercent) {
}
