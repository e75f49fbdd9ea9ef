package io.gptq4j.engine.cli;

/**
 * Range checks of command-line values. The messages name the flag, the value and the valid range,
 * because the engine's own checks name Java parameters ({@code seqlen}, {@code groupSize}).
 */
final class CliChecks {

    private CliChecks() {
    }

    /**
     * Throws IllegalArgumentException unless {@code value >= min}.
     *
     * @param unit what the value counts, e.g. "tokens per window"
     */
    static void requireAtLeast(String flag, long value, long min, String unit) {
        if (value < min) {
            throw new IllegalArgumentException("invalid " + flag + " " + value + "; valid range: " + min
                    + " or more " + unit);
        }
    }
}
