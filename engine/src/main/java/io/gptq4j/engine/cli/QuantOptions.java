package io.gptq4j.engine.cli;

import io.gptq4j.engine.quant.DampPolicy;
import io.gptq4j.engine.quant.Factorization;
import io.gptq4j.engine.quant.QuantConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Quantization flags shared by the commands that run GPTQ; a picocli mixin. */
public final class QuantOptions {
    @Option(names = "--bits", defaultValue = "4", description = "Code width: 2, 3, 4 or 8 (default: ${DEFAULT-VALUE}).")
    int bits;

    @Option(names = "--group-size", defaultValue = "128",
            description = "Input columns per (scale, zero) group, or -1 for one group per row (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--sym", description = "Symmetric grid (the default).")
    boolean sym;

    @Option(names = "--asym", description = "Asymmetric grid with a zero point per row and group.")
    boolean asym;

    @Option(names = "--act-order", description = "Process columns by descending Hessian diagonal (desc_act).")
    boolean actOrder;

    @Option(names = "--static-groups", description = "With --act-order, compute group grids before the sweep, in the original column order.")
    boolean staticGroups;

    @Option(names = "--damp", defaultValue = "0.01",
            description = "Damping as a fraction of the mean Hessian diagonal (default: ${DEFAULT-VALUE}).")
    double damp;

    @Option(names = "--damp-policy", defaultValue = "raise",
            description = "When the damped Hessian is not positive definite: raise, increment (add 0.0025 and retry until the Cholesky succeeds, below 1) or rtn (default: ${DEFAULT-VALUE}).")
    String dampPolicy;

    @Option(names = "--mse", description = "Search a shrunk grid minimising |q - w|^2.4 per row (norm 2.4, grid 100, max shrink 0.8).")
    boolean mse;

    @Option(names = "--factorization", defaultValue = "fast",
            description = "Inverse-Hessian factor: autogptq (Cholesky, inverse, Cholesky) or fast (one Cholesky and a triangular inverse) (default: ${DEFAULT-VALUE}).")
    String factorization;

    /** Builds the configuration; throws IllegalArgumentException naming an invalid flag value. */
    public QuantConfig toConfig() {
        if (sym && asym) {
            throw new IllegalArgumentException("--sym and --asym are mutually exclusive; pass one of them");
        }
        checkValues();
        return QuantConfig.bits(bits)
                .groupSize(groupSize)
                .sym(!asym)
                .descAct(actOrder)
                .staticGroups(staticGroups)
                .dampPercent(damp)
                .dampPolicy(parse(DampPolicy.class, "--damp-policy", dampPolicy))
                .mse(mse)
                .factorization(parse(Factorization.class, "--factorization", factorization))
                .build();
    }

    /** Checks what QuantConfig checks too, but with messages that name the flags instead of its fields. */
    private void checkValues() {
        if (!QuantConfig.VALID_BITS.contains(bits)) {
            throw new IllegalArgumentException("invalid --bits " + bits + "; valid values: 2, 3, 4, 8");
        }
        if (groupSize != -1 && groupSize <= 0) {
            throw new IllegalArgumentException("invalid --group-size " + groupSize
                    + "; valid values: -1 (one group per row) or 1 or more input columns, e.g. 128");
        }
        if (!(damp > 0 && damp < 1)) {
            throw new IllegalArgumentException("invalid --damp " + damp
                    + "; valid range: greater than 0 and less than 1, e.g. 0.01");
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String flag, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder valid = new StringBuilder();
            for (E constant : type.getEnumConstants()) {
                valid.append(valid.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException("invalid " + flag + " '" + value + "'; valid values: " + valid, e);
        }
    }
}
