package io.gptq4j.engine.io;

import java.util.Arrays;

/**
 * One tensor entry of a GGUF file.
 *
 * @param name   tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dims   dimensions in ggml order, ne0 (the fastest-varying, input side of a weight) first
 * @param type   element type
 * @param offset absolute file offset of the first data byte
 * @param bytes  size of the data in bytes
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset, long bytes) {

    public GgufTensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Product of the dimensions; 1 for a scalar. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Dimensions formatted as {@code [64, 512]}, ne0 first. */
    public String dimsText() {
        return Arrays.toString(dims);
    }
}
