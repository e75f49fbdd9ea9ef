package io.gptq4j.engine.quant;

import java.util.Objects;
import java.util.Set;

/**
 * Quantization settings for GPTQ and RTN, named as AutoGPTQ's {@code BaseQuantizeConfig}.
 * Start from {@link #bits(int)}: {@code QuantConfig.bits(4).groupSize(128).descAct().build()}.
 *
 * @param bits                 code width: 2, 3, 4 or 8
 * @param groupSize            input columns sharing one (scale, zero) per row, or -1 for one per row
 * @param sym                  symmetric grid (zero fixed at 2^(bits-1)) instead of asymmetric
 * @param descAct              act-order: process columns by descending Hessian diagonal
 * @param staticGroups         with act-order, compute every group's grid up front on the
 *                             unpermuted weights, so groups stay contiguous in the original order;
 *                             ignored when groupSize is -1
 * @param dampPercent          damping as a fraction of the mean Hessian diagonal, in (0, 1)
 * @param dampPolicy           what to do when the damped Hessian is not positive definite
 * @param mse                  search a shrunk grid that minimises the {@code mseNorm} error per row
 * @param mseNorm              exponent of the grid search error, |q - w|^norm
 * @param mseGrid              number of shrink steps of size 1/mseGrid
 * @param mseMaxShrink         largest shrink tried; mseMaxShrink * mseGrid candidates are tried
 * @param blockSize            columns per lazy-update block
 * @param factorization        how the inverse Hessian factor is computed
 * @param hessianNormalization scale of the Hessian, which changes the reported losses only
 */
public record QuantConfig(int bits, int groupSize, boolean sym, boolean descAct, boolean staticGroups,
                          double dampPercent, DampPolicy dampPolicy, boolean mse, double mseNorm, int mseGrid,
                          double mseMaxShrink, int blockSize, Factorization factorization,
                          HessianNormalization hessianNormalization) {

    /** The code widths GPTQ kernels and checkpoint formats support. */
    public static final Set<Integer> VALID_BITS = Set.of(2, 3, 4, 8);
    /** Default damping: 1 % of the mean Hessian diagonal (AutoGPTQ, GPTQModel). */
    public static final double DEFAULT_DAMP_PERCENT = 0.01;
    /** Step of {@link DampPolicy#INCREMENT} (GPTQModel's {@code damp_auto_increment}). */
    public static final double DAMP_INCREMENT = 0.0025;

    public QuantConfig {
        if (!VALID_BITS.contains(bits)) {
            throw new IllegalArgumentException("invalid bits " + bits + "; valid values: 2, 3, 4, 8");
        }
        if (groupSize != -1 && groupSize <= 0) {
            throw new IllegalArgumentException("invalid groupSize " + groupSize + "; use -1 (one group per row) or a positive column count such as 128");
        }
        if (!(dampPercent > 0 && dampPercent < 1)) {
            throw new IllegalArgumentException("invalid dampPercent " + dampPercent + "; it must lie in (0, 1), e.g. 0.01");
        }
        Objects.requireNonNull(dampPolicy, "dampPolicy");
        Objects.requireNonNull(factorization, "factorization");
        Objects.requireNonNull(hessianNormalization, "hessianNormalization");
        if (!(mseNorm > 0) || mseGrid <= 0 || !(mseMaxShrink > 0 && mseMaxShrink <= 1)) {
            throw new IllegalArgumentException("invalid MSE grid search: norm " + mseNorm + ", grid " + mseGrid
                    + ", maxShrink " + mseMaxShrink + "; expected norm > 0, grid > 0, 0 < maxShrink <= 1");
        }
        if (blockSize <= 0) {
            throw new IllegalArgumentException("invalid blockSize " + blockSize + "; it must be positive, e.g. 128");
        }
    }

    /** Starts a builder with the given code width and AutoGPTQ's defaults for everything else. */
    public static Builder bits(int bits) {
        return new Builder().bits(bits);
    }

    /** Returns a builder holding this configuration, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bits = bits;
        b.groupSize = groupSize;
        b.sym = sym;
        b.descAct = descAct;
        b.staticGroups = staticGroups;
        b.dampPercent = dampPercent;
        b.dampPolicy = dampPolicy;
        b.mse = mse;
        b.mseNorm = mseNorm;
        b.mseGrid = mseGrid;
        b.mseMaxShrink = mseMaxShrink;
        b.blockSize = blockSize;
        b.factorization = factorization;
        b.hessianNormalization = hessianNormalization;
        return b;
    }

    /** Largest code, {@code 2^bits - 1}. */
    public int maxq() {
        return (1 << bits) - 1;
    }

    /** Number of (scale, zero) columns for a weight with {@code cols} input columns: ceil(cols / groupSize), or 1. */
    public int groupCount(int cols) {
        return groupSize == -1 ? 1 : (cols + groupSize - 1) / groupSize;
    }

    /** Fluent builder; defaults: group -1, sym, no act-order, damp 0.01 (RAISE), no MSE, block 128, FAST factorisation. */
    public static final class Builder {
        private int bits = 4;
        private int groupSize = -1;
        private boolean sym = true;
        private boolean descAct;
        private boolean staticGroups;
        private double dampPercent = DEFAULT_DAMP_PERCENT;
        private DampPolicy dampPolicy = DampPolicy.RAISE;
        private boolean mse;
        private double mseNorm = 2.4;
        private int mseGrid = 100;
        private double mseMaxShrink = 0.8;
        private int blockSize = 128;
        private Factorization factorization = Factorization.FAST;
        private HessianNormalization hessianNormalization = HessianNormalization.SEQUENCES;

        public Builder bits(int value) {
            bits = value;
            return this;
        }

        public Builder groupSize(int value) {
            groupSize = value;
            return this;
        }

        public Builder sym(boolean value) {
            sym = value;
            return this;
        }

        /** Selects the asymmetric grid (a rounded zero point per row and group). */
        public Builder asym() {
            return sym(false);
        }

        public Builder descAct(boolean value) {
            descAct = value;
            return this;
        }

        /** Turns act-order on. */
        public Builder descAct() {
            return descAct(true);
        }

        public Builder staticGroups(boolean value) {
            staticGroups = value;
            return this;
        }

        /** Turns static groups on. */
        public Builder staticGroups() {
            return staticGroups(true);
        }

        public Builder dampPercent(double value) {
            dampPercent = value;
            return this;
        }

        public Builder dampPolicy(DampPolicy value) {
            dampPolicy = value;
            return this;
        }

        public Builder mse(boolean value) {
            mse = value;
            return this;
        }

        /** Turns the MSE grid search on with its defaults (norm 2.4, grid 100, max shrink 0.8). */
        public Builder mse() {
            return mse(true);
        }

        /** Sets the MSE grid search parameters (and turns the search on). */
        public Builder mse(double norm, int grid, double maxShrink) {
            mse = true;
            mseNorm = norm;
            mseGrid = grid;
            mseMaxShrink = maxShrink;
            return this;
        }

        public Builder blockSize(int value) {
            blockSize = value;
            return this;
        }

        public Builder factorization(Factorization value) {
            factorization = value;
            return this;
        }

        public Builder hessianNormalization(HessianNormalization value) {
            hessianNormalization = value;
            return this;
        }

        /** Validates and returns the configuration; throws IllegalArgumentException naming an invalid value. */
        public QuantConfig build() {
            return new QuantConfig(bits, groupSize, sym, descAct, staticGroups, dampPercent, dampPolicy, mse,
                    mseNorm, mseGrid, mseMaxShrink, blockSize, factorization, hessianNormalization);
        }
    }
}
