package io.gptq4j.engine.model;

/**
 * How the two halves of each rotated pair are laid out inside one attention head.
 * The loader picks the layout that matches how the checkpoint stores q/k weights.
 */
public enum RopeLayout {
    /** Pairs are adjacent dimensions (2i, 2i+1): GGUF and llama2.c checkpoints. */
    INTERLEAVED,
    /** Pairs are (i, i + headDim/2): Hugging Face checkpoints ("rotate_half"). */
    HALF_SPLIT
}
