package io.gptq4j.engine.io.gptq;

import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.io.hf.HfTensors;
import java.io.IOException;

/** Reads the packed tensors of one GPTQ-quantized Linear ({@code PREFIX.qweight} and friends) from a checkpoint. */
public final class GptqModuleReader {
    private GptqModuleReader() {
    }

    /** Returns whether the module under {@code prefix} (e.g. {@code model.layers.0.mlp.up_proj}) is stored quantized. */
    public static boolean isQuantized(HfTensors tensors, String prefix) {
        return tensors.contains(prefix + ".qweight");
    }

    /**
     * Reads and shape-checks one module; {@code g_idx} defaults to {@code k / groupSize} when the
     * checkpoint omits it.
     *
     * @param rows out_features from config.json
     * @param cols in_features from config.json
     */
    public static PackedLinear read(HfTensors tensors, String prefix, int rows, int cols, GptqCheckpointConfig config)
            throws IOException {
        int bits = config.bits();
        int groups = (int) tensors.info(prefix + ".scales").shape()[0];
        int expectedGroups = config.groupCount(cols);
        if (groups != expectedGroups) {
            throw new ModelFormatException(tensors.dir(), "tensor '" + prefix + ".scales' has " + groups
                    + " groups, but group_size " + config.groupSize() + " over " + cols + " input features gives "
                    + expectedGroups);
        }
        int[] qweight = tensors.ints(prefix + ".qweight", BitPacking.words(cols, bits), rows);
        int[] qzeros = tensors.ints(prefix + ".qzeros", groups, BitPacking.words(rows, bits));
        short[] scales = tensors.halfBits(prefix + ".scales", groups, rows);
        int[] gIdx;
        if (tensors.contains(prefix + ".g_idx")) {
            gIdx = tensors.ints(prefix + ".g_idx", cols);
        } else {
            gIdx = new int[cols];
            for (int k = 0; k < cols; k++) {
                gIdx[k] = config.groupSize() == -1 ? 0 : k / config.groupSize();
            }
        }
        float[] bias = tensors.contains(prefix + ".bias") ? tensors.floats(prefix + ".bias", rows) : null;
        try {
            return new PackedLinear(rows, cols, bits, groups, config.format(), qweight, qzeros, scales, gIdx, bias);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(tensors.dir(), "GPTQ module '" + prefix + "': " + e.getMessage(), e);
        }
    }
}
