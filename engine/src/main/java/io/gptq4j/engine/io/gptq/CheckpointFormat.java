package io.gptq4j.engine.io.gptq;

import java.util.Locale;

/**
 * How a GPTQ checkpoint stores zero points in {@code qzeros}. AutoGPTQ's original format
 * ({@code checkpoint_format: "gptq"}, here v1) stores {@code zero - 1}, so a zero point of 0
 * cannot be stored. GPTQModel's {@code gptq_v2} stores the zero point itself.
 */
public enum CheckpointFormat {
    GPTQ("gptq", 1),
    GPTQ_V2("gptq_v2", 0);

    private final String configName;
    private final int zeroOffset;

    CheckpointFormat(String configName, int zeroOffset) {
        this.configName = configName;
        this.zeroOffset = zeroOffset;
    }

    /** Value of {@code checkpoint_format} in {@code quantize_config.json}. */
    public String configName() {
        return configName;
    }

    /** Amount subtracted from the zero point before it is stored. */
    public int zeroOffset() {
        return zeroOffset;
    }

    /**
     * Parses {@code checkpoint_format} ({@code gptq}, {@code gptq_v2}); {@code null} means
     * {@code gptq}, the default of AutoGPTQ and Transformers.
     */
    public static CheckpointFormat parse(String name) {
        if (name == null) {
            return GPTQ;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (CheckpointFormat f : values()) {
            if (f.configName.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unsupported GPTQ checkpoint_format '" + name
                + "'; supported: gptq (AutoGPTQ, stores zero - 1) and gptq_v2 (GPTQModel, stores zero)");
    }

    @Override
    public String toString() {
        return configName;
    }
}
