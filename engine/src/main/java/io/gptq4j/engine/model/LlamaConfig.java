package io.gptq4j.engine.model;

/**
 * Hyperparameters of a LLaMA-family decoder.
 *
 * @param dim          hidden size (embedding width)
 * @param hiddenDim    feed-forward inner size
 * @param nLayers      number of decoder layers
 * @param nHeads       query heads
 * @param nKvHeads     key/value heads; query head h reads KV head h / (nHeads / nKvHeads)
 * @param headDim      width of one head; usually dim / nHeads
 * @param vocabSize    number of token ids
 * @param normEps      RMSNorm epsilon
 * @param ropeTheta    RoPE base frequency
 * @param ropeLayout   pair layout of the rotary embedding
 * @param contextLength maximum sequence length the checkpoint declares
 */
public record LlamaConfig(
        int dim,
        int hiddenDim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int headDim,
        int vocabSize,
        float normEps,
        float ropeTheta,
        RopeLayout ropeLayout,
        int contextLength) {

    public LlamaConfig {
        requirePositive("dim", dim);
        requirePositive("hiddenDim", hiddenDim);
        requirePositive("nLayers", nLayers);
        requirePositive("nHeads", nHeads);
        requirePositive("nKvHeads", nKvHeads);
        requirePositive("headDim", headDim);
        requirePositive("vocabSize", vocabSize);
        if (nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException(
                    "nHeads (" + nHeads + ") must be a multiple of nKvHeads (" + nKvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be even for RoPE, got " + headDim);
        }
    }

    /** Width of the concatenated key (or value) projection output. */
    public int kvDim() {
        return nKvHeads * headDim;
    }

    /** Width of the concatenated query projection output. */
    public int qDim() {
        return nHeads * headDim;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
